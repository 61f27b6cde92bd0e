# The seed tutorial's Makefile targets, mapped to their .NET equivalents.
# Every target is a thin alias: the commands are the ones the README documents.

.PHONY: proto build run-server run-client test docker-up docker-down clean

COMPOSE := docker compose -f deploy/docker-compose.yml

# Grpc.Tools generates the C# code from proto/ as part of the Contracts build.
proto:
	dotnet build src/UserSystem.Contracts

build:
	dotnet build

run-server:
	dotnet run --project src/UserSystem.Server

# The `users` CLI; pass a command with ARGS, e.g. `make run-client ARGS="list"`.
ARGS ?= health
run-client:
	dotnet run --project src/UserSystem.Cli -- $(ARGS)

test:
	scripts/test.sh

docker-up:
	$(COMPOSE) up -d --build

docker-down:
	$(COMPOSE) down

clean:
	dotnet clean
	rm -rf TestResults

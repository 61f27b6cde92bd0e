#!/usr/bin/python3
"""Calls all six seed RPCs of user.UserService and exits non-zero on any failure.

Usage: /usr/bin/python3 user_client.py [HOST:PORT]   (or USERS_ADDRESS; default 127.0.0.1:50051)

The stubs are generated at start from the repository's proto/user.proto with protoc, so
they always match the contract and nothing generated is committed.
"""
import json
import os
import subprocess
import sys
import tempfile
import uuid

import grpc
import grpc_tools

UNARY_TIMEOUT = 5  # seconds, the seed's deadlines
STREAM_TIMEOUT = 30
HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.join(HERE, "..", "..", "proto")
# The channel retries a call that never reached a working server (UNAVAILABLE), as the C# client
# library does. A retry resends the same message, so a CreateUser keeps its request_id.
SERVICE_CONFIG = json.dumps({"methodConfig": [{
    "name": [{"service": "user.UserService"}],
    "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.2s", "maxBackoff": "2s",
                    "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]},
}]})


def load_stubs(out_dir):
    # Debian's protoc and gRPC plugin: the protoc inside Debian's grpc_tools is too old for
    # proto3 `optional`. grpc_tools still supplies the well-known types (timestamp, field mask).
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    subprocess.run(["protoc", f"-I{PROTO_DIR}", f"-I{well_known}",
                    "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin",
                    f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
                    os.path.join(PROTO_DIR, "user.proto"),
                    # user.proto imports the google.api.http annotations (REST routes):
                    # generate them too, as no googleapis package is installed.
                    os.path.join(PROTO_DIR, "google", "api", "annotations.proto"),
                    os.path.join(PROTO_DIR, "google", "api", "http.proto")], check=True)
    sys.path.insert(0, out_dir)
    import user_pb2  # noqa: E402  (generated just now)
    import user_pb2_grpc  # noqa: E402
    return user_pb2, user_pb2_grpc


def new_user(pb, name):
    return pb.CreateUserRequest(name=name, email=f"py-{uuid.uuid4().hex}@example.com", age=33, hobbies=["python"])


def new_create(pb, name):
    # One request_id per user to create: a retry of this request (by the channel, or by the caller
    # resending it) answers the user the first attempt created instead of ALREADY_EXISTS.
    request = new_user(pb, name)
    request.request_id = str(uuid.uuid4())
    return request


# A server with Auth:Mode=Jwt needs a bearer token on every call: take it from USERS_TOKEN, as the
# `users` CLI does (mint a development one with scripts/dev-token.sh). Over loopback h2c it goes
# as plain metadata; anywhere else, use TLS (grpc.secure_channel) so the token is never in clear text.
TOKEN = os.environ.get("USERS_TOKEN", "")
METADATA = [("authorization", f"Bearer {TOKEN}")] if TOKEN else []


class ConsistencyToken:
    """Read-your-writes: every answer carries a `consistency-token` header; sending the newest one
    back makes a read see at least what this client wrote or saw, whichever server instance or
    database standby serves it. Calls here run one at a time, and the server never answers an
    older token than it was sent, so the last one received is the newest (a client with
    concurrent calls keeps the one with the highest position instead)."""

    HEADER = "consistency-token"

    def __init__(self):
        self.value = ""

    def metadata(self):
        return METADATA + ([(self.HEADER, self.value)] if self.value else [])

    def remember(self, *metadata):
        for pairs in metadata:
            for key, value in pairs or ():
                if key == self.HEADER:
                    self.value = value


def run(address, pb, rpc):
    options = [("grpc.enable_retries", 1), ("grpc.service_config", SERVICE_CONFIG)]
    with grpc.insecure_channel(address, options=options) as channel:
        stub = rpc.UserServiceStub(channel)

        token = ConsistencyToken()
        request = new_create(pb, "Python Client")
        created, call = stub.CreateUser.with_call(request, timeout=UNARY_TIMEOUT, metadata=token.metadata())
        token.remember(call.initial_metadata())
        assert token.value, "CreateUser answered no consistency-token"
        print(f"CreateUser: id={created.user.id} message={created.message!r} {ConsistencyToken.HEADER}={token.value}")
        again = stub.CreateUser(request, timeout=UNARY_TIMEOUT, metadata=METADATA)
        assert again.user.id == created.user.id, "a retry with the same request_id created another user"
        print(f"CreateUser again with request_id {request.request_id}: the same user {again.user.id}")

        # The reads carry the token of the create (and then of each read): they see the new user.
        fetched, call = stub.GetUser.with_call(pb.GetUserRequest(id=created.user.id), timeout=UNARY_TIMEOUT, metadata=token.metadata())
        token.remember(call.initial_metadata())
        assert fetched.email == created.user.email, "GetUser returned another user"
        print(f"GetUser: {fetched.name} <{fetched.email}> status={pb.UserStatus.Name(fetched.status)}")

        page, call = stub.ListUsers.with_call(pb.ListUsersRequest(page=0, limit=5), timeout=UNARY_TIMEOUT, metadata=token.metadata())
        token.remember(call.initial_metadata())
        assert page.total >= 1, "ListUsers counted no users"
        print(f"ListUsers: {len(page.users)} users on page 0 of {page.total}")

        # A stream's token comes with its first message, and the newest in its trailers.
        stream = stub.StreamUsers(pb.StreamUsersRequest(delay_seconds=0), timeout=STREAM_TIMEOUT, metadata=token.metadata())
        streamed = [user.id for user in stream]
        token.remember(stream.initial_metadata(), stream.trailing_metadata())
        assert created.user.id in streamed, "StreamUsers missed the new user"
        print(f"StreamUsers: {len(streamed)} users")

        batch = stub.CreateBatchUsers(iter([new_user(pb, f"Python Batch {i}") for i in range(3)]), timeout=STREAM_TIMEOUT, metadata=METADATA)
        assert batch.created_count == 3, f"CreateBatchUsers created {batch.created_count}"
        print(f"CreateBatchUsers: {batch.message!r}")

        chatted = list(stub.ChatWithUsers(iter([new_user(pb, f"Python Chat {i}") for i in range(2)]), timeout=STREAM_TIMEOUT, metadata=METADATA))
        assert [user.name for user in chatted] == ["Python Chat 0", "Python Chat 1"], "ChatWithUsers answered other users"
        print(f"ChatWithUsers: created {', '.join(str(user.id) for user in chatted)}")

        try:
            stub.GetUser(pb.GetUserRequest(id=0), timeout=UNARY_TIMEOUT, metadata=METADATA)
            raise AssertionError("GetUser(0) should have failed")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, f"GetUser(0) failed with {error.code()}"
            print(f"GetUser(0): {error.code().name} as expected: {error.details()}")


def main():
    address = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("USERS_ADDRESS", "127.0.0.1:50051")
    address = address.removeprefix("http://").rstrip("/")
    with tempfile.TemporaryDirectory() as out_dir:
        pb, rpc = load_stubs(out_dir)
        try:
            run(address, pb, rpc)
        except grpc.RpcError as error:
            print(f"error: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
        except AssertionError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    print("all six RPCs OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

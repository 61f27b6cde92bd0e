#!/usr/bin/env bash
# Development certificates for TLS and mutual TLS, made with openssl (as the tutorial does):
#   ca.pem / ca-key.pem          a development CA (trust it in clients; use it as Server:Tls:ClientCaPath)
#   server.pem / server-key.pem  the server certificate, SAN 127.0.0.1, ::1 and localhost
#   client.pem / client-key.pem  a client certificate signed by the CA, for mutual TLS
# Usage: scripts/dev-certs.sh [output-directory]   (default: certs/, which git ignores)
# Never use these outside development: the CA key sits next to the certificates.
set -euo pipefail

out="${1:-certs}"
days=825
mkdir -p "$out"
cd "$out"

command -v openssl >/dev/null 2>&1 || { echo "openssl is required (apt-get install -y openssl)" >&2; exit 1; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" \
  -keyout ca-key.pem -out ca.pem -subj "/CN=User System Development CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

issue() { # name, subject, extended key usage, extra extensions
  local name=$1 subject=$2 usage=$3 extra=${4:-}
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$name-key.pem" -out "$name.csr" -subj "$subject" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n%s\n' "$usage" "$extra" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days "$days" \
    -sha256 -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

issue server "/CN=localhost" serverAuth "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
issue client "/CN=dev-client" clientAuth
rm -f ca.srl
chmod 600 ./*-key.pem

openssl verify -CAfile ca.pem server.pem client.pem
echo "Wrote $(pwd)/{ca,server,client}.pem and their keys. Run the server with:"
echo "  dotnet run --project src/UserSystem.Server -- --Server:Tls:CertificatePath=$(pwd)/server.pem --Server:Tls:KeyPath=$(pwd)/server-key.pem [--Server:Tls:ClientCaPath=$(pwd)/ca.pem]"

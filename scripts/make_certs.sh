#!/usr/bin/env bash
# Makes the certificates for mutual TLS between the suite's processes:
#   make_certs.sh DIR [NAME...]
# DIR/ca.pem (with DIR/ca.key) is a private certificate authority made for
# this suite alone; DIR/NAME.pem and DIR/NAME.key are a certificate it signs
# for each NAME (default: org_service roster_service gateway), valid for
# 127.0.0.1, ::1 and localhost and for both TLS server and client use, with
# NAME as its common name. What exists is kept: run it again to add names.
# Keys are readable by their owner only.
set -euo pipefail
dir=${1:?usage: make_certs.sh DIR [NAME...]}
shift
names=("$@")
((${#names[@]})) || names=(org_service roster_service gateway)
mkdir -p "$dir"
umask 077
days=825
if [[ ! -s $dir/ca.pem || ! -s $dir/ca.key ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" -days "$days" \
    -subj "/O=grassroots suite/CN=grassroots suite CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
fi
for name in "${names[@]}"; do
  [[ -s $dir/$name.pem && -s $dir/$name.key ]] && continue
  [[ $name =~ ^[A-Za-z0-9._-]+$ ]] || { echo "make_certs: bad name '$name'" >&2; exit 2; }
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/O=grassroots suite/CN=$name" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -out "$dir/$name.pem" -days "$days" \
    -extfile <(printf '%s\n' "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost" \
      "extendedKeyUsage=serverAuth,clientAuth" "keyUsage=critical,digitalSignature") 2>/dev/null
  rm -f "$dir/$name.csr"
done
chmod 644 "$dir"/*.pem

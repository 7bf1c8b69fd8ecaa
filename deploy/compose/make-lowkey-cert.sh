#!/bin/sh
# One-shot job of docker-compose.yml, run in the lowkey-vault image (it has the JRE's keytool):
# a self-signed TLS certificate for lowkey-vault, the Azure Key Vault emulator, valid for the
# names the rehearsal uses. Azure's SDK only talks https; Node trusts this certificate when
# NODE_EXTRA_CA_CERTS points at lowkey-vault.crt. Throw-away, for the rehearsal only.
set -eu
dir="${CERTS_DIR:-/certs}"
cd "$dir"
if [ -s lowkey-vault.p12 ] && [ -s lowkey-vault.crt ]; then
  echo "certificate already in $dir"
  exit 0
fi
rm -f lowkey-vault.p12 lowkey-vault.crt
# "changeit" is the key store password lowkey-vault (Spring Boot) is started with.
keytool -genkeypair -alias lowkey-vault -keyalg RSA -keysize 2048 -validity 30 \
  -dname "CN=lowkey-vault" \
  -ext "SAN=dns:lowkey-vault,dns:localhost,ip:127.0.0.1" \
  -ext "BC:c=ca:true" \
  -storetype PKCS12 -keystore lowkey-vault.p12 -storepass changeit -keypass changeit
keytool -exportcert -rfc -alias lowkey-vault -keystore lowkey-vault.p12 -storepass changeit \
  -file lowkey-vault.crt
chmod 644 lowkey-vault.p12 lowkey-vault.crt
echo "wrote $dir/lowkey-vault.crt and $dir/lowkey-vault.p12"

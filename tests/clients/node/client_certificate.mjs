// An app-only token with @azure/msal-node's `clientCertificate` (a private_key_jwt client
// assertion); prints the token's `tid` and `azp` as JSON.
// node client_certificate.mjs AUTHORITY CLIENT_ID PRIVATE_KEY_PEM_FILE (sha1|sha256) THUMBPRINT_HEX
import { readFileSync } from "node:fs";
import { ConfidentialClientApplication } from "@azure/msal-node";

const [authority, clientId, keyFile, kind, thumbprint] = process.argv.slice(2);
if (!authority || !clientId || !keyFile || !thumbprint) {
  console.error("usage: node client_certificate.mjs AUTHORITY CLIENT_ID KEY_FILE sha1|sha256 THUMBPRINT");
  process.exit(2);
}
const privateKey = readFileSync(keyFile, "utf8");
const clientCertificate = kind === "sha256"
  ? { thumbprintSha256: thumbprint, privateKey }
  : { thumbprint, privateKey };

const app = new ConfidentialClientApplication({
  auth: { clientId, authority, clientCertificate, knownAuthorities: [new URL(authority).host] },
});
const result = await app.acquireTokenByClientCredential({
  scopes: ["https://graph.microsoft.com/.default"],
});
const payload = JSON.parse(Buffer.from(result.accessToken.split(".")[1], "base64url").toString("utf8"));
console.log(JSON.stringify({ tid: payload.tid, azp: payload.azp }));

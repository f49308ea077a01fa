// Gets an app-only Microsoft Graph token from Portico with @azure/msal-node and prints its
// `tid` claim as JSON: node client_credentials.mjs AUTHORITY CLIENT_ID CLIENT_SECRET
// Trust Portico's CA with NODE_EXTRA_CA_CERTS.
import { ConfidentialClientApplication } from "@azure/msal-node";

const [authority, clientId, clientSecret] = process.argv.slice(2);
if (!authority || !clientId || !clientSecret) {
  console.error("usage: node client_credentials.mjs AUTHORITY CLIENT_ID CLIENT_SECRET");
  process.exit(2);
}

const app = new ConfidentialClientApplication({
  auth: {
    clientId,
    clientSecret,
    authority,
    // Not a Microsoft cloud host: name it so MSAL skips instance discovery on login.microsoftonline.com.
    knownAuthorities: [new URL(authority).host],
  },
});

const result = await app.acquireTokenByClientCredential({
  scopes: ["https://graph.microsoft.com/.default"],
});
const payload = JSON.parse(Buffer.from(result.accessToken.split(".")[1], "base64url").toString("utf8"));
console.log(JSON.stringify({ tid: payload.tid }));

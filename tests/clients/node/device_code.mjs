// The device code flow with @azure/msal-node: prints the device code answer as one JSON line,
// waits for the user to approve it, then prints the account as JSON.
// node device_code.mjs AUTHORITY CLIENT_ID   (trust Portico's CA with NODE_EXTRA_CA_CERTS)
import { PublicClientApplication } from "@azure/msal-node";

const [authority, clientId] = process.argv.slice(2);
if (!authority || !clientId) {
  console.error("usage: node device_code.mjs AUTHORITY CLIENT_ID");
  process.exit(2);
}

const app = new PublicClientApplication({
  auth: { clientId, authority, knownAuthorities: [new URL(authority).host] },
});

const result = await app.acquireTokenByDeviceCode({
  scopes: ["User.Read"],
  deviceCodeCallback: (response) => {
    console.log(JSON.stringify({ userCode: response.userCode, verificationUri: response.verificationUri }));
  },
});
const payload = JSON.parse(Buffer.from(result.accessToken.split(".")[1], "base64url").toString("utf8"));
console.log(JSON.stringify({ tid: payload.tid, scp: payload.scp, username: result.account.username }));

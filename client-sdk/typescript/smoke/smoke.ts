// The TypeScript SDK against a live server (`cargo xtask sdk smoke` starts one
// and sets KEYWARD_URL and the admin client's credentials): admin calls, the
// end-user API, the QR image and a typed error, each checked.

import {
    AdminClientsApi,
    AdminTenantsApi,
    AdminUsersApi,
    AppUsersApi,
    Configuration,
    adminError,
    bearerConfiguration,
    clientCredentialsToken,
} from '../src/index.js';

// Node's, declared here rather than through @types/node.
declare const process: { env: Record<string, string | undefined>; exit(code: number): never };

function env(name: string): string {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
}

function check(condition: boolean, what: string): void {
    if (!condition) throw new Error(`failed: ${what}`);
    console.log(`ok: ${what}`);
}

async function main(): Promise<void> {
    const url = env('KEYWARD_URL');
    const admin = await clientCredentialsToken(url, env('KEYWARD_ADMIN_CLIENT_ID'), env('KEYWARD_ADMIN_CLIENT_SECRET'));
    const config = bearerConfiguration(url, admin.accessToken);
    const clients = new AdminClientsApi(config);

    // A client whose id and secret need form-encoding in client_secret_basic.
    const clientId = 'smoke:ts';
    const clientSecret = 'smoke+secret%2F/ts-0123456789abcdefghijklmnopqrstuv';
    const created = await clients.clientCreate({
        clientCreate: {
            clientId,
            clientSecret,
            allowedGrantTypes: [{ grantType: 'client_credentials' }],
            allowedScopes: [{ scope: 'isms.client.detail' }],
        },
    });
    check(created.code === 201, `client ${clientId} created (id ${created.data.id}), code 201`);
    const own = await clientCredentialsToken(url, clientId, clientSecret, 'isms.client.detail');
    check(own.accessToken.length > 0, 'client_credentials token for an id with `:` and a secret with `+`, `%`, `/`');
    const viewed = await new AdminClientsApi(bearerConfiguration(url, own.accessToken)).clientView({ id: created.data.id });
    check(viewed.data.clientId === clientId, 'the client reads itself with its own token');
    const listed = await clients.clientList({ qClientID: clientId });
    check(listed.data.some((c) => c.id === created.data.id), 'the client is listed');

    try {
        await clients.clientCreate({ clientCreate: { clientId } });
        check(false, 'a duplicate client is refused');
    } catch (error) {
        const body = await adminError(error);
        check(body?.code === 409 && body.message.includes(clientId), `a duplicate client is a typed 409: ${body?.message}`);
    }

    const users = new AdminUsersApi(config);
    const user = await users.userCreate({ userCreate: { userName: 'smoke-ts', password: 'a long smoke password' } });
    const userView = await users.userView({ id: user.data });
    check(userView.data.userName === 'smoke-ts', `user created and read (id ${user.data})`);
    const userList = await users.userList({ qName: 'smoke-ts' });
    check(userList.data.some((u) => u.id === user.data), 'the user is listed');
    await users.userDelete({ id: user.data });

    // The end-user API of an app (a client of the tenant).
    const app = (await clients.clientCreate({ clientCreate: { clientId: 'smoke-ts-app' } })).data.id;
    // Sign-up is off until both the app and its tenant open it.
    await clients.appSettingsUpdate({ id: app, appSettingsUpdate: { signUpEnabled: true } });
    const tenants = new AdminTenantsApi(config);
    const home = (await tenants.tenantList()).data.find((t) => t.name === 'default');
    if (!home) throw new Error('the default tenant is not listed');
    const properties = [...home.properties, { key: 'UserRegistration', value: 'enabled' }];
    await tenants.tenantUpdate({ id: home.id, tenantUpdate: { properties } });
    const appUsers = new AppUsersApi(new Configuration({ basePath: url }));
    const signedUp = await appUsers.appSignUp({ appId: app, signUp: { userName: 'smoke-ts-user', pwd: 'a long password' } });
    check(signedUp.data.accessToken.length > 0, 'end-user sign-up answers a token');
    const signedIn = await appUsers.appSignIn({ appId: app, passwordSignIn: { userName: 'smoke-ts-user', pwd: 'a long password' } });
    const profile = await new AppUsersApi(bearerConfiguration(url, signedIn.data.accessToken)).appProfileGet({ appId: app });
    check(profile.data.userName === 'smoke-ts-user', 'end-user sign-in, then the profile with its token');

    const key = (await appUsers.appQrPreSignIn({ appId: app, qrPreSignIn: { scheme: 'app' } })).data;
    const image = await appUsers.appQrImage({ appId: app, signInKey: key });
    const bytes = new Uint8Array(await image.arrayBuffer());
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    check(png.every((b, i) => bytes[i] === b), `the QR image is a PNG (${bytes.length} bytes)`);

    for (const id of [app, created.data.id]) {
        await clients.clientDelete({ id });
    }
    try {
        await clients.clientView({ id: created.data.id });
        check(false, 'a deleted client is gone');
    } catch (error) {
        check((await adminError(error))?.code === 404, 'a deleted client is a typed 404');
    }
}

main().catch(async (error: unknown) => {
    console.error(error, await adminError(error));
    process.exit(1);
});

import { ConfigReader } from '@backstage/config';
import { toConnectionOptions } from './client/SnowflakeClient';
import { readSnowflakeConnectionSettings } from './config';

type JsonObject = NonNullable<ConstructorParameters<typeof ConfigReader>[0]>;

const read = (snowflake: JsonObject | undefined) =>
  readSnowflakeConnectionSettings(
    new ConfigReader(
      snowflake ? { dataMesh: { warehouse: { snowflake } } } : {},
    ).getOptionalConfig('dataMesh.warehouse.snowflake'),
  );

const base = {
  account: 'myorg-myaccount',
  username: 'SVC_DATAMESH',
  warehouse: 'DATAMESH_WH',
};

describe('dataMesh.warehouse.snowflake', () => {
  it('is optional', () => {
    expect(read(undefined)).toBeUndefined();
  });

  it('reads password authentication', () => {
    expect(
      read({
        ...base,
        password: 's3cret',
        role: 'DATAMESH_ADMIN',
        accessUrl: 'https://x.example.com/',
      }),
    ).toEqual({
      account: 'myorg-myaccount',
      username: 'SVC_DATAMESH',
      auth: { type: 'password', password: 's3cret' },
      role: 'DATAMESH_ADMIN',
      warehouse: 'DATAMESH_WH',
      accessUrl: 'https://x.example.com',
      timeoutMs: undefined,
    });
  });

  it('reads key-pair authentication from a key or a key file, with a passphrase', () => {
    expect(
      read({ ...base, privateKeyPath: '/secrets/key.p8', passphrase: 'pp' })
        ?.auth,
    ).toEqual({
      type: 'keyPair',
      privateKey: undefined,
      privateKeyPath: '/secrets/key.p8',
      passphrase: 'pp',
    });
  });

  it('lists every problem at once and never repeats a secret', () => {
    let message = '';
    try {
      read({
        account: 'a',
        username: 'u',
        password: 'hunter2-secret',
        privateKey: 'KEY',
        role: 'bad role"',
        accessUrl: 'ftp:x',
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(
      'set exactly one of password, privateKey or privateKeyPath',
    );
    expect(message).toContain(`role 'bad role"' is not a plain identifier`);
    expect(message).toContain('warehouse is required');
    expect(message).toContain("accessUrl 'ftp:x' must be a URL");
    expect(message).not.toContain('hunter2-secret');
    expect(message).not.toContain('KEY');
    expect(() => read({ ...base })).toThrow(/exactly one of/);
  });

  it('maps to driver options: password, or the SNOWFLAKE_JWT authenticator with the key', () => {
    const pw = toConnectionOptions(
      read({ ...base, password: 'p', role: 'R' })!,
    );
    expect(pw).toMatchObject({
      account: 'myorg-myaccount',
      username: 'SVC_DATAMESH',
      password: 'p',
      role: 'R',
      warehouse: 'DATAMESH_WH',
      clientSessionKeepAlive: false,
    });
    expect(pw.authenticator).toBeUndefined();
    const kp = toConnectionOptions(
      read({ ...base, privateKey: 'PEM', passphrase: 'pp' })!,
    );
    expect(kp).toMatchObject({
      authenticator: 'SNOWFLAKE_JWT',
      privateKey: 'PEM',
      privateKeyPass: 'pp',
    });
    expect(kp.password).toBeUndefined();
  });
});

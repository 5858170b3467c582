import { ConfigReader } from '@backstage/config';
import { createSecretRedactor } from './redact';

const PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
  'VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu',
  '-----END PRIVATE KEY-----',
].join('\n');

describe('createSecretRedactor', () => {
  const redact = createSecretRedactor(
    new ConfigReader({
      dataMesh: {
        warehouse: {
          type: 'snowflake',
          postgres: {
            connection: 'postgres://admin:p%40ss-w0rd@db.example.com/postgres',
          },
          snowflake: {
            account: 'myorg-myaccount',
            username: 'svc_datamesh',
            password: 'hunter2-snowflake',
            privateKey: PEM,
            passphrase: 'open sesame',
            warehouse: 'PLATFORM_WH',
          },
        },
      },
    }),
  );

  it('removes configured passwords, passphrases and connection strings', () => {
    expect(
      redact('login failed for svc_datamesh with password hunter2-snowflake'),
    ).toBe('login failed for svc_datamesh with password ***');
    expect(redact('bad passphrase "open sesame"')).toBe('bad passphrase "***"');
    expect(
      redact(
        'invalid URL postgres://admin:p%40ss-w0rd@db.example.com/postgres',
      ),
    ).toBe('invalid URL ***');
    // the decoded password, as a driver may print it
    expect(redact('password p@ss-w0rd rejected')).toBe('password *** rejected');
  });

  it('removes private keys, whole or line by line', () => {
    expect(redact(`cannot parse key ${PEM} (PKCS#8)`)).toBe(
      'cannot parse key *** (PKCS#8)',
    );
    expect(
      redact(
        'unexpected data VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu',
      ),
    ).toBe('unexpected data ***');
  });

  it('removes the password of any URL-shaped credential, configured or not', () => {
    expect(
      redact('connect to postgres://other:secret123@10.0.0.1:5432/x failed'),
    ).toBe('connect to postgres://other:***@10.0.0.1:5432/x failed');
  });

  it('leaves names, accounts and ordinary messages alone', () => {
    const message =
      'SQL compilation error: Object PLATFORM_WH does not exist (myorg-myaccount, svc_datamesh)';
    expect(redact(message)).toBe(message);
    expect(createSecretRedactor()('connect ECONNREFUSED 127.0.0.1:5432')).toBe(
      'connect ECONNREFUSED 127.0.0.1:5432',
    );
  });
});

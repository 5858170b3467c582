import {
  IDENTIFIER_MAX_LENGTH,
  POSTGRES_MAX_IDENTIFIER_BYTES,
  RESERVED_WORDS,
  toIdentifier,
  toSqlName,
  validateIdentifier,
} from './identifiers';

describe('validateIdentifier', () => {
  it.each([
    ['patients', 'product'],
    ['patient-encounters', 'product'],
    ['patient_id', 'column'],
    ['a', 'dataset'],
    ['jdbc-port-of-dp-patients', 'port'],
    ['v2', 'domain'],
  ] as const)('accepts %s as a %s name', (name, what) => {
    expect(validateIdentifier(name, what)).toBeUndefined();
  });

  it('rejects SQL injection with the offending characters named', () => {
    expect(validateIdentifier('patients"; DROP TABLE x; --', 'product')).toBe(
      `product name 'patients"; DROP TABLE x; --' contains '"', ';', spaces and upper-case letters: use only lowercase letters, digits, _ and -`,
    );
  });

  it('rejects path traversal', () => {
    expect(validateIdentifier('../../etc/passwd', 'dataset')).toBe(
      `dataset name '../../etc/passwd' contains '.' and '/': use only lowercase letters, digits, _ and -`,
    );
  });

  it('suggests the lower-case spelling for upper-case names', () => {
    expect(validateIdentifier('PATIENT_ID', 'column')).toBe(
      `column name 'PATIENT_ID' contains upper-case letters: names are lower case, write 'patient_id'`,
    );
  });

  it('rejects names over the limit of their kind, and says the limit', () => {
    const long = 'p'.repeat(300);
    expect(validateIdentifier(long, 'product')).toBe(
      `product name '${'p'.repeat(
        37,
      )}...' is 300 characters long; a product name may have at most 32`,
    );
    expect(validateIdentifier('d'.repeat(21), 'domain')).toMatch(
      /is 21 characters long; a domain name may have at most 20$/,
    );
    expect(validateIdentifier('d'.repeat(20), 'domain')).toBeUndefined();
    expect(validateIdentifier('c'.repeat(63), 'column')).toBeUndefined();
    expect(validateIdentifier('c'.repeat(64), 'column')).toMatch(/at most 63$/);
  });

  it('rejects reserved words of PostgreSQL and of Snowflake, also spelled with -', () => {
    expect(validateIdentifier('select', 'dataset')).toBe(
      `dataset name 'select' is a reserved word in SQL (PostgreSQL or Snowflake); choose another name, e.g. 'selects' or 'select-data'`,
    );
    // PostgreSQL only (TYPE_FUNC_NAME_KEYWORD)
    expect(validateIdentifier('verbose', 'column')).toMatch(/reserved word/);
    // Snowflake only
    expect(validateIdentifier('qualify', 'column')).toMatch(/reserved word/);
    expect(validateIdentifier('minus', 'column')).toMatch(/reserved word/);
    // becomes current_date in SQL
    expect(validateIdentifier('current-date', 'column')).toMatch(
      /reserved word/,
    );
    // non-reserved key words are fine
    expect(validateIdentifier('name', 'column')).toBeUndefined();
    expect(validateIdentifier('domain', 'column')).toBeUndefined();
  });

  it('checks the first and last character', () => {
    expect(validateIdentifier('1patients', 'product')).toBe(
      `product name '1patients' must start with a lowercase letter`,
    );
    expect(validateIdentifier('_patients', 'product')).toBe(
      `product name '_patients' must start with a lowercase letter`,
    );
    expect(validateIdentifier('patients-', 'product')).toBe(
      `product name 'patients-' must end with a letter or digit`,
    );
  });

  it('shows control characters instead of printing them', () => {
    expect(validateIdentifier('pat\nients', 'product')).toBe(
      `product name 'pat\\nients' contains a control character (\\n): use only lowercase letters, digits, _ and -`,
    );
    expect(validateIdentifier('', 'port')).toBe(
      'a port name must not be empty',
    );
  });

  it('has a reserved word list that includes both databases', () => {
    for (const w of [
      'all',
      'analyse',
      'authorization',
      'system_user',
      'variadic',
    ]) {
      expect(RESERVED_WORDS.has(w)).toBe(true); // PostgreSQL
    }
    for (const w of [
      'account',
      'gscluster',
      'ilike',
      'regexp',
      'rlike',
      'sample',
      'try_cast',
      'whenever',
    ]) {
      expect(RESERVED_WORDS.has(w)).toBe(true); // Snowflake
    }
    expect(RESERVED_WORDS.has('patients')).toBe(false);
  });
});

describe('identifier length budget', () => {
  it('keeps every composed warehouse name within PostgreSQL 63 bytes', () => {
    const max = (k: keyof typeof IDENTIFIER_MAX_LENGTH) =>
      'x'.repeat(IDENTIFIER_MAX_LENGTH[k]);
    const composed = [
      `${max('organization')}_${max('domain')}_${max('stage')}`,
      `${max('domain')}_${max('product')}_consumer`,
      `${max('domain')}_${max('product')}_service`,
      `${max('domain')}_${max('product')}_owner`,
      max('dataset'),
      max('column'),
    ];
    for (const name of composed) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(
        POSTGRES_MAX_IDENTIFIER_BYTES,
      );
    }
  });
});

describe('toIdentifier', () => {
  it.each([
    ['JDBC-Port of DP patients', 'jdbc-port-of-dp-patients'],
    ['Dataset of DP Patient Encounters', 'dataset-of-dp-patient-encounters'],
    ['Data is refreshed daily', 'data-is-refreshed-daily'],
    ['  Patient   Care  ', 'patient-care'],
    ['patient_visits', 'patient_visits'],
    ['PATIENT_ENCOUNTERS', 'patient_encounters'],
    ['v1.2 Claims', 'v1-2-claims'],
    ['Zürich Patients', 'zurich-patients'],
    [
      'Daily data refresh indicator over 20-day rolling period',
      'daily-data-refresh-indicator-over-20-day-rolling-period',
    ],
  ])('%s → %s', (display, expected) => {
    expect(toIdentifier(display)).toEqual({ identifier: expected });
  });

  it('rejects quotes and semicolons instead of stripping them', () => {
    expect(toIdentifier('patients"; DROP TABLE x; --', 'product')).toEqual({
      error: `product name 'patients"; DROP TABLE x; --' contains '"' and ';'; a name may only contain letters, digits, spaces, _, - and .`,
    });
  });

  it('rejects slashes, backslashes and control characters', () => {
    expect(toIdentifier('../../etc/passwd', 'dataset').error).toBe(
      `dataset name '../../etc/passwd' contains '/'; a name may only contain letters, digits, spaces, _, - and .`,
    );
    expect(toIdentifier('a\\b').error).toBe(
      `name 'a\\b' contains '\\'; a name may only contain letters, digits, spaces, _, - and .`,
    );
    expect(toIdentifier('Patients\u0000', 'product').error).toBe(
      `product name 'Patients\\u0000' contains a control character (\\u0000); a name may only contain letters, digits, spaces, _, - and .`,
    );
    expect(toIdentifier("O'Brien", 'column').error).toBe(
      `column name 'O'Brien' contains "'"; a name may only contain letters, digits, spaces, _, - and .`,
    );
  });

  it('rejects letters with no ASCII spelling', () => {
    expect(toIdentifier('患者', 'product').error).toBe(
      `product name '患者' contains '患' and '者', which has no plain ASCII spelling; write the name with the letters a-z`,
    );
  });

  it('applies the rules of the kind to the derived identifier', () => {
    expect(toIdentifier('Select', 'dataset').error).toBe(
      `dataset name 'select' is a reserved word in SQL (PostgreSQL or Snowflake); choose another name, e.g. 'selects' or 'select-data' (derived from 'Select')`,
    );
    expect(toIdentifier('A'.repeat(300), 'product').error).toBe(
      `product name '${'a'.repeat(
        37,
      )}...' is 300 characters long; a product name may have at most 32 (derived from '${'A'.repeat(
        37,
      )}...')`,
    );
    expect(toIdentifier('2024 Claims', 'product').error).toBe(
      `product name '2024 Claims' must start with a letter`,
    );
    expect(toIdentifier(' - . ', 'product').error).toBe(
      `product name ' - . ' has no letters or digits`,
    );
  });

  it('without a kind, still keeps within 63 characters', () => {
    expect(toIdentifier('a'.repeat(64)).error).toMatch(
      /at most 63 are allowed$/,
    );
  });
});

describe('toSqlName', () => {
  it('maps - to _ and nothing else', () => {
    expect(toSqlName('jdbc-port-of-dp-patients')).toBe(
      'jdbc_port_of_dp_patients',
    );
    expect(toSqlName('patient_id')).toBe('patient_id');
  });
});

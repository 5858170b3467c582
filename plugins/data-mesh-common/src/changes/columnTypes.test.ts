import { compareColumnTypes } from './columnTypes';

describe('compareColumnTypes', () => {
  it.each([
    // spelling: case, aliases, logical names
    ['VARCHAR(18)', 'varchar(18)', 'same'],
    ['int4', 'INTEGER', 'same'],
    ['int8', 'bigint', 'same'],
    ['decimal(10,2)', 'NUMERIC(10, 2)', 'same'],
    ['character varying(5)', 'varchar(5)', 'same'],
    ['string', 'text', 'same'],
    ['timestamp_ntz', 'timestamp', 'same'],
    ['float8', 'double precision', 'same'],
    // widening
    ['varchar(18)', 'varchar(36)', 'widened'],
    ['varchar(18)', 'string', 'widened'],
    ['char(2)', 'varchar(4)', 'widened'],
    ['int', 'bigint', 'widened'],
    ['smallint', 'int', 'widened'],
    ['int', 'numeric(10,0)', 'widened'],
    ['int', 'double', 'widened'],
    ['numeric(10,2)', 'numeric(12,2)', 'widened'],
    ['numeric(10,2)', 'numeric(12,4)', 'widened'],
    ['numeric(10,2)', 'number', 'widened'],
    ['real', 'double', 'widened'],
    // everything else
    ['varchar(36)', 'varchar(18)', 'incompatible'],
    ['string', 'varchar(255)', 'incompatible'],
    ['bigint', 'int', 'incompatible'],
    ['bigint', 'double', 'incompatible'],
    ['int', 'numeric(9,0)', 'incompatible'],
    ['numeric(10,2)', 'numeric(10,3)', 'incompatible'],
    ['numeric(10,2)', 'int', 'incompatible'],
    ['double', 'real', 'incompatible'],
    ['int', 'varchar(20)', 'incompatible'],
    ['varchar(20)', 'int', 'incompatible'],
    ['date', 'timestamp', 'incompatible'],
    ['timestamp', 'timestamptz', 'incompatible'],
    ['boolean', 'int', 'incompatible'],
  ])('%s → %s is %s', (before, after, expected) => {
    expect(compareColumnTypes(before, after)).toBe(expected);
  });
});

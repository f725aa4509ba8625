import { expect } from 'chai';
import { postgresSchema, postgresStatement } from '@quanze/projections';

describe('the read models’ SQL on PostgreSQL', () => {
  it('numbers the placeholders, leaving quoted text, identifiers and comments alone, and drops SQLite’s planner hints', () => {
    expect(postgresStatement(`SELECT ? /* a ? */, '?', "x?" -- why?\n FROM t INDEXED BY t_by_a WHERE a = ? AND b = ?`)).to.equal(
      `SELECT $1 /* a ? */, '?', "x?" -- why?\n FROM t WHERE a = $2 AND b = $3`,
    );
  });

  it('turns a schema in SQLite’s dialect into PostgreSQL’s, text compared by code point', () => {
    expect(
      postgresSchema(`CREATE TABLE t (a TEXT NOT NULL, n INTEGER, r REAL, PRIMARY KEY (a)) STRICT, WITHOUT ROWID;
CREATE TABLE u (a TEXT) STRICT;
CREATE INDEX t_by_a ON t (CAST(n AS TEXT));`),
    ).to.equal(`CREATE TABLE t (a TEXT COLLATE "C" NOT NULL, n BIGINT, r DOUBLE PRECISION, PRIMARY KEY (a));
CREATE TABLE u (a TEXT COLLATE "C");
CREATE INDEX t_by_a ON t (CAST(n AS TEXT));`);
  });
});

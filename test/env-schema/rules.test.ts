import { describe, expect, it } from 'vitest';
import { rulesOf } from '../../transforms/env-schema/reads.js';

describe('env-schema rulesOf', () => {
  it('types a variable only when every read gives that type', () => {
    const rules = rulesOf([
      { name: 'MODE', type: 'boolean', optional: false },
      { name: 'MODE', optional: false }, // process.env.MODE === 'beta': a value the program handles
      { name: 'PORT', type: 'number', optional: true, default: '3000' },
      { name: 'PORT', type: 'number', optional: true },
      { name: 'DEBUG', type: 'boolean', optional: true },
    ]);
    expect(rules.get('MODE')).toEqual({ type: 'string', required: true });
    expect(rules.get('PORT')).toEqual({ type: 'number', required: false, default: '3000' });
    expect(rules.get('DEBUG')).toEqual({ type: 'boolean', required: false });
  });

  it('is required only when no read is optional', () => {
    const rules = rulesOf([
      { name: 'SECRET', optional: false },
      { name: 'SECRET', optional: true },
    ]);
    expect(rules.get('SECRET')?.required).toBe(false);
  });
});

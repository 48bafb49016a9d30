import { describe, expect, it } from 'vitest';
import { classifyPgError } from '../../../src/steps/postgres/classify.js';

const sqlError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('classifyPgError', () => {
  it.each([
    ['28P01', 'authentication', false],
    ['28000', 'authentication', false],
    ['42501', 'permission', false],
    ['42P01', 'not-found', false],
    ['3D000', 'not-found', false],
    ['57014', 'timeout', false],
    ['53300', 'throttled', true],
    ['57P03', 'throttled', true],
    ['40001', 'throttled', true],
    ['40P01', 'throttled', true],
    ['22P02', 'invalid-input', false],
    ['42601', 'invalid-input', false],
    ['25006', 'conflict', false],
    ['23505', 'conflict', false],
    ['08006', 'unreachable', true],
    ['XX000', 'internal', false],
  ])('SQLSTATE %s is %s (retried: %s)', (code, failureClass, retryable) => {
    const classified = classifyPgError(sqlError(code), 'q');
    expect(classified.failure.failureClass).toBe(failureClass);
    expect(classified.retryable).toBe(retryable);
    expect(classified.failure.advice.length).toBeGreaterThan(10);
  });

  it.each([
    ['ECONNREFUSED', 'unreachable', false],
    ['ENOTFOUND', 'unreachable', false],
    ['ECONNRESET', 'unreachable', true],
    ['ETIMEDOUT', 'timeout', false],
  ])('socket error %s is %s (retried: %s)', (code, failureClass, retryable) => {
    const classified = classifyPgError(sqlError(code), 'q');
    expect([classified.failure.failureClass, classified.retryable]).toEqual([failureClass, retryable]);
  });

  it('a statement cancelled by the user is cancelled, a missing password is authentication', () => {
    expect(classifyPgError(sqlError('57014', 'canceling statement due to user request'), 'q').failure.failureClass).toBe('cancelled');
    expect(classifyPgError(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), 'q').failure.failureClass).toBe('authentication');
    expect(classifyPgError(new Error('Connection terminated due to connection timeout'), 'q').failure.failureClass).toBe('timeout');
  });
});

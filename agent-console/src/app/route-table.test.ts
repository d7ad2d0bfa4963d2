import { describe, expect, it } from 'vitest';
import { resolveRoute, routeFromHash, routesFor } from './route-table.ts';

describe('routes by role', () => {
  it('offers each role only its pages', () => {
    expect(routesFor('operator')).toEqual(['desk']);
    expect(routesFor('supervisor')).toEqual(['desk', 'wallboard']);
    expect(routesFor('manager')).toEqual(['wallboard', 'manage']);
    expect(routesFor('admin')).toEqual(['desk', 'wallboard', 'manage']);
  });

  it("opens the asked route if the role may, else the role's home", () => {
    expect(resolveRoute('#/wallboard', 'supervisor')).toBe('wallboard');
    expect(resolveRoute('#/manage', 'operator')).toBe('desk');
    expect(resolveRoute('', 'supervisor')).toBe('wallboard');
    expect(resolveRoute('#/desk', 'manager')).toBe('manage');
    expect(resolveRoute('#/nowhere', 'admin')).toBe('wallboard');
  });

  it('reads the route from the hash, ignoring anything after it', () => {
    expect(routeFromHash('#/desk/CA123')).toBe('desk');
    expect(routeFromHash('#desk')).toBeNull();
    expect(routeFromHash('#/constructor')).toBeNull();
  });
});

/**
 * ts-morph, loaded on first use: it costs about 0.8 s at start-up, and most runs of harden never
 * split a class. `Node`, `SyntaxKind` and `Project` behave like ts-morph's own exports.
 */
import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';

const require = createRequire(import.meta.url);
let loaded: typeof TsMorph | undefined;

function tsMorph(): typeof TsMorph {
  return (loaded ??= require('ts-morph') as typeof TsMorph);
}

function lazy<T extends object>(pick: () => T): T {
  const real = () => pick() as any;
  return new Proxy(function placeholder() {} as unknown as T, {
    get: (_, key) => {
      const value = Reflect.get(real(), key);
      return typeof value === 'function' && key !== 'prototype' ? value.bind(real()) : value;
    },
    has: (_, key) => Reflect.has(real(), key),
    construct: (_, args) => Reflect.construct(real(), args),
    apply: (_, self, args) => Reflect.apply(real(), self, args),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

export const Node: typeof TsMorph.Node = lazy(() => tsMorph().Node);
export type Node = TsMorph.Node;
export const SyntaxKind: typeof TsMorph.SyntaxKind = lazy(() => tsMorph().SyntaxKind);
export type SyntaxKind = TsMorph.SyntaxKind;
export const Project: typeof TsMorph.Project = lazy(() => tsMorph().Project);
export type Project = TsMorph.Project;
export const ts: typeof TsMorph.ts = lazy(() => tsMorph().ts);

export { checkCase, discoverCases, firstDifference, runCase, VARIANTS } from './harness.js';
export type { CaseReport, ExpectedSite, FixtureCase, Variant } from './harness.js';

// The types of catalog-plugin.js, for the test that runs its rules (test/catalog-lint.test.ts).
declare const catalogPlugin: () => { id: string; rules: { oas3: Record<string, () => Record<string, unknown>> } }
export default catalogPlugin

/**
 * The SARIF 2.1.0 fields harden emits and GitHub code scanning requires, as a strict zod schema
 * (from the OASIS SARIF 2.1.0 specification and GitHub's "SARIF support for code scanning":
 * version, runs[].tool.driver.name and rules, results[] with ruleId, message.text and a physical
 * location with a relative URI and a 1-based region; fixes[] with artifactChanges and
 * replacements). The official JSON schema is not shipped by any installed package, so the test
 * checks against this transcription of its required fields and constraints.
 */
import { z } from 'zod';

const text = z.strictObject({ text: z.string().min(1), markdown: z.string().optional() });
const relativeUri = z
  .string()
  .min(1)
  .refine((uri) => !uri.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.includes('\\'), 'a relative URI with forward slashes');
const artifactLocation = z.strictObject({ uri: relativeUri, uriBaseId: z.string().optional() });
const positive = z.number().int().min(1);
const region = z
  .strictObject({
    startLine: positive,
    startColumn: positive.optional(),
    endLine: positive.optional(),
    endColumn: positive.optional(),
    charOffset: z.number().int().min(0).optional(),
    charLength: z.number().int().min(0).optional(),
  })
  .refine((r) => r.endLine === undefined || r.endLine >= r.startLine, 'endLine >= startLine')
  .refine(
    (r) => r.endLine !== r.startLine || r.endColumn === undefined || r.endColumn >= (r.startColumn ?? 1),
    'endColumn >= startColumn on one line',
  );
const physicalLocation = z.strictObject({ artifactLocation, region: region.optional() });

export const sarifSchema = z.strictObject({
  $schema: z.string().url(),
  version: z.literal('2.1.0'),
  runs: z
    .array(
      z.strictObject({
        tool: z.strictObject({
          driver: z.strictObject({
            name: z.string().min(1),
            version: z.string().optional(),
            semanticVersion: z.string().optional(),
            rules: z.array(
              z.strictObject({
                id: z.string().min(1),
                name: z.string().optional(),
                shortDescription: text,
                fullDescription: text,
                help: text,
                defaultConfiguration: z.strictObject({ level: z.enum(['none', 'note', 'warning', 'error']) }).optional(),
                properties: z.record(z.string(), z.unknown()).optional(),
              }),
            ),
          }),
        }),
        originalUriBaseIds: z.record(z.string(), z.strictObject({ description: text })).optional(),
        columnKind: z.enum(['utf16CodeUnits', 'unicodeCodePoints']).optional(),
        results: z.array(
          z.strictObject({
            ruleId: z.string().min(1),
            ruleIndex: z.number().int().min(0),
            level: z.enum(['none', 'note', 'warning', 'error']),
            message: text,
            locations: z.array(z.strictObject({ physicalLocation })).min(1).max(10),
            properties: z.record(z.string(), z.unknown()).optional(),
            fixes: z
              .array(
                z.strictObject({
                  description: text,
                  artifactChanges: z
                    .array(
                      z.strictObject({
                        artifactLocation,
                        replacements: z.array(z.strictObject({ deletedRegion: region, insertedContent: z.strictObject({ text: z.string() }) })).min(1),
                      }),
                    )
                    .min(1),
                }),
              )
              .optional(),
          }),
        ),
        invocations: z
          .array(
            z.strictObject({
              executionSuccessful: z.boolean(),
              toolExecutionNotifications: z.array(
                z.strictObject({ level: z.enum(['note', 'warning', 'error']), message: text, locations: z.array(z.strictObject({ physicalLocation })) }),
              ),
            }),
          )
          .optional(),
        properties: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .min(1),
});

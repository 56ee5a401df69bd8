// Redocly plugin: checks that every error example agrees with the error catalog
// (`components.schemas.ErrorCode`): its code is catalogued, its msg is the catalog's,
// every catalog entry and response carries what the client reads, and the catalog's `enum`
// lists the same codes as its oneOf.

function catalogOf(root) {
  const branches = root?.components?.schemas?.ErrorCode?.oneOf ?? [];
  return new Map(branches.map((b) => [b.const, b]));
}

function ExampleCodesInCatalog() {
  let catalog = new Map();
  return {
    Root: {
      enter(root) {
        catalog = catalogOf(root);
      },
    },
    Response: {
      MediaType: {
        Example: {
          enter(example, ctx) {
            const value = example?.value;
            if (!value || typeof value !== 'object' || typeof value.code !== 'number' || value.code === 0) return;
            const entry = catalog.get(value.code);
            if (!entry) {
              ctx.report({
                message: `Error code ${value.code} is not in the catalog (components.schemas.ErrorCode). Add it there first.`,
                location: ctx.location.child(['value', 'code']),
              });
              return;
            }
            if (value.msg !== entry.title) {
              ctx.report({
                message: `msg of ${value.code} is "${value.msg}", the catalog says "${entry.title}".`,
                location: ctx.location.child(['value', 'msg']),
              });
            }
          },
        },
      },
    },
  };
}

function ResponseHasLogId() {
  return {
    Response: {
      enter(response, ctx) {
        if (!response?.headers?.['X-Tt-Logid']) {
          ctx.report({ message: 'Every response documents the X-Tt-Logid header (the log id support asks for).', location: ctx.location.child('headers') });
        }
      },
    },
  };
}

const KINDS = ['auth', 'permission', 'not_found', 'invalid_request', 'rate_limited', 'server'];
/** The kinds of a failure with no code: the client reports them, the catalog's entries never carry them. */
const CODELESS_KINDS = ['network', 'timeout', 'protocol'];

function CatalogEntryComplete() {
  return {
    Root: {
      enter(root, ctx) {
        const branches = root?.components?.schemas?.ErrorCode?.oneOf;
        const at = ctx.location.child(['components', 'schemas', 'ErrorCode']);
        if (!Array.isArray(branches) || branches.length === 0) {
          ctx.report({ message: 'The error catalog components.schemas.ErrorCode.oneOf is missing or empty.', location: at });
          return;
        }
        const kinds = root.components.schemas.ErrorCode['x-kinds'];
        const kindsAt = at.child(['x-kinds']);
        if (typeof kinds !== 'object' || kinds === null) {
          ctx.report({ message: `The error catalog needs \`x-kinds\`: each kind of failure (${[...KINDS, ...CODELESS_KINDS].join(', ')}) with its hint { en, zh }.`, location: at });
        } else {
          for (const kind of [...KINDS, ...CODELESS_KINDS]) {
            if (!(kind in kinds)) ctx.report({ message: `x-kinds lacks the kind ${kind} and its hint { en, zh }.`, location: kindsAt });
          }
          for (const [kind, hint] of Object.entries(kinds)) {
            if (!KINDS.includes(kind) && !CODELESS_KINDS.includes(kind)) ctx.report({ message: `x-kinds has ${kind}, which is not a kind of failure (${[...KINDS, ...CODELESS_KINDS].join(', ')}).`, location: kindsAt.child([kind]) });
            else if (typeof hint?.en !== 'string' || !hint.en || typeof hint.zh !== 'string' || !/[\u4e00-\u9fff]/.test(hint.zh)) {
              ctx.report({ message: `x-kinds.${kind} needs \`en\` (the English hint) and \`zh\` (the Chinese hint).`, location: kindsAt.child([kind]) });
            }
          }
        }
        const seen = new Set();
        branches.forEach((b, i) => {
          const where = at.child(['oneOf', i]);
          const problems = [];
          if (!Number.isInteger(b.const)) problems.push('an integer `const` (the code)');
          if (typeof b.title !== 'string' || !b.title) problems.push('`title` (the msg)');
          if (typeof b.description !== 'string' || !b.description) problems.push('`description` (the English hint)');
          if (typeof b['x-hint-zh'] !== 'string' || !/[\u4e00-\u9fff]/.test(b['x-hint-zh'])) problems.push('`x-hint-zh` (the Chinese hint)');
          if (!Number.isInteger(b['x-http-status']) || b['x-http-status'] < 400 || b['x-http-status'] > 599) problems.push('`x-http-status` (4xx or 5xx)');
          if (typeof b['x-retryable'] !== 'boolean') problems.push('`x-retryable` (boolean)');
          if (!KINDS.includes(b['x-kind'])) problems.push(`\`x-kind\` (one of ${KINDS.join(', ')})`);
          if (problems.length) ctx.report({ message: `Catalog entry ${b.const ?? i} needs ${problems.join(', ')}.`, location: where });
          if (seen.has(b.const)) ctx.report({ message: `Catalog entry ${b.const} appears twice.`, location: where });
          seen.add(b.const);
        });
        // The enum beside the oneOf is what most generators read: the same codes, in the same order.
        const consts = branches.map((b) => b.const);
        const listed = root.components.schemas.ErrorCode.enum;
        if (!Array.isArray(listed) || JSON.stringify(listed) !== JSON.stringify(consts)) {
          ctx.report({ message: `The error catalog's \`enum\` must list the oneOf's codes in its order (${consts.join(', ')}), for generators that read no oneOf of consts.`, location: at.child(['enum']) });
        }
      },
    },
  };
}

export default function catalogPlugin() {
  return {
    id: 'catalog',
    rules: {
      oas3: {
        'example-code-in-catalog': ExampleCodesInCatalog,
        'catalog-entry-complete': CatalogEntryComplete,
        'response-has-log-id': ResponseHasLogId,
      },
    },
  };
}

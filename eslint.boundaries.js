// The house's folder fences (DEVELOPERS.md "House style"), as ESLint no-restricted-imports rules.
// Kept apart from eslint.config.js so a test can lint a deliberate violation with exactly these.

const LIBS = ['go-fmt', 'go-template', 're2'];
/** Outside a library, only its entry file (lib/<name>/<name>.ts) may be imported. */
const libEntriesOnly = LIBS.flatMap((name) => [`**/${name}/*`, `!**/${name}/${name}.ts`]);
const folder = (names) => names.map((n) => `**/${n}/**`);

const fence = (files, ignores, groups) => ({
  files,
  ignores,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: groups.map(([message, group]) => ({ group, message })) },
    ],
  },
});

const PRODUCT = ['the product never imports test/ or tools/', ['**/test/**', '**/tools/**']];
const ENTRY = ['import a lib/ library through its entry file only', libEntriesOnly];
const ROOT = ['only main.ts imports the composition root (start/)', folder(['start'])];
const NO_PROMETHEUS = folder(['prometheus', 'naming', 'query', 'discovery', 'rules', 'provider']);

/** Each area of src/ with the fences it lives behind (a file gets the first area it matches). */
const AREAS = [
  ['src/**/*.test.ts', [ENTRY]],
  ['src/lib/**', [['lib/ imports nothing outside lib/', ['../../**']], ENTRY]],
  [
    'src/api/**',
    [
      PRODUCT,
      ENTRY,
      ROOT,
      ['api/ knows nothing of Prometheus', NO_PROMETHEUS],
      ['api/ does not know explain/ (start/ mounts it as an operator route)', folder(['explain'])],
    ],
  ],
  [
    'src/serve/**',
    [PRODUCT, ENTRY, ROOT, ['serve/ never knows where metrics come from', NO_PROMETHEUS]],
  ],
  [
    'src/{naming,query}/**',
    [
      PRODUCT,
      ENTRY,
      ROOT,
      [
        'naming/ and query/ are pure stages',
        folder(['prometheus', 'api', 'serve', 'provider', 'discovery']),
      ],
    ],
  ],
  [
    'src/config/**',
    [
      PRODUCT,
      ENTRY,
      ROOT,
      [
        'config/ is the first stage',
        folder([
          'prometheus',
          'kubernetes',
          'api',
          'serve',
          'provider',
          'discovery',
          'rules',
          'naming',
          'query',
        ]),
      ],
    ],
  ],
  [
    'src/explain/**',
    [
      PRODUCT,
      ENTRY,
      ROOT,
      [
        'explain/ reads the rules, index and providers; it never reaches the edges or the CLI',
        folder(['serve', 'auth', 'cli', 'status']),
      ],
    ],
  ],
  [
    'src/status/**',
    [
      PRODUCT,
      ENTRY,
      ROOT,
      [
        'status/ renders a snapshot: pure, it imports no other stage',
        folder([
          'api',
          'auth',
          'cli',
          'config',
          'discovery',
          'explain',
          'kubernetes',
          'naming',
          'prometheus',
          'provider',
          'query',
          'rules',
          'serve',
        ]),
      ],
    ],
  ],
  ['src/start/**', [PRODUCT, ENTRY]],
  ['src/main.ts', [PRODUCT, ENTRY]],
  ['src/**', [PRODUCT, ENTRY, ROOT]],
  ['tools/**', [['tools/ does not use test support', ['**/test/**']], ENTRY]],
  ['test/**', [ENTRY]],
];

const claimed = [];
export const boundaries = AREAS.map(([glob, groups]) => {
  const config = fence([glob], [...claimed], groups);
  claimed.push(glob);
  return config;
});

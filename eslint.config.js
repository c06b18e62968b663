import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

const services = ['auth', 'product', 'order', 'payment', 'shipping', 'gateway']

// A service imports @shop/platform, @shop/contracts and libraries, never another
// service; platform and contracts never import a service.
const serviceRules = services.map((name) => ({
  files: [`services/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: services.filter((s) => s !== name).flatMap((s) => [`@shop/${s}`, `@shop/${s}/*`, `**/services/${s}/**`, `../../${s}/**`]),
            message: 'A service never imports another service; talk over HTTP or events.',
          },
        ],
      },
    ],
  },
}))

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.data/**', 'apps/**/dist/**', 'coverage/**', 'bench/.tmp/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: services.flatMap((s) => [`@shop/${s}`, `@shop/${s}/*`]), message: 'Platform and contracts never import a service.' }] },
      ],
    },
  },
  ...serviceRules,
  {
    files: ['apps/**/*.tsx', 'apps/**/*.ts', 'packages/storefront-core/src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
)

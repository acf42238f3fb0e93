// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import { reactRefresh } from 'eslint-plugin-react-refresh';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Ant Design (and its icons) are used only through our own thin components in
// src/components/ui/, so that the design system can be themed, narrowed or
// swapped in one place. The app shell's provider file is the one other user.
const antdRestriction = {
  paths: [
    { name: 'antd', message: "Import from '@/components/ui' instead of 'antd'." },
    { name: 'echarts-for-react', message: "Use '@/components/charts' instead." },
  ],
  patterns: [
    { group: ['antd/*', '@ant-design/*'], message: "Import from '@/components/ui' instead." },
    { group: ['echarts', 'echarts/*', 'echarts-for-react/*'], message: "Use '@/components/charts' instead." },
  ],
};

export default defineConfig(
  globalIgnores(['dist', 'coverage', 'node_modules', 'src/api/schema.d.ts']),
  {
    files: ['**/*.{ts,tsx}'],
    extends: [
      js.configs.recommended,
      tseslint.configs.strictTypeChecked,
      tseslint.configs.stylisticTypeChecked,
      reactHooks.configs.flat.recommended,
      reactRefresh.configs.vite(),
    ],
    languageOptions: {
      ecmaVersion: 2023,
      globals: globals.browser,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      'no-restricted-imports': ['error', antdRestriction],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    // The wrappers themselves, and the shell's ConfigProvider / antd <App>.
    files: ['src/components/ui/**/*.{ts,tsx}', 'src/app/AppProviders.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['echarts', 'echarts/*', 'echarts-for-react', 'echarts-for-react/*'], message: "Use '@/components/charts' instead." }] },
      ],
    },
  },
  {
    files: ['src/components/charts/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: antdRestriction.paths.slice(0, 1), patterns: antdRestriction.patterns.slice(0, 1) }] },
  },
  {
    files: ['**/*.test.{ts,tsx}', 'src/test/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['*.config.{js,ts}', 'scripts/**/*.mjs'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);

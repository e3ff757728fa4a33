// ESLint rule `modelwire/layer-imports`: a workspace project may import another workspace
// project only when the target's `nx.tags` satisfy the importer's layer constraint (see
// `layerConstraints` in eslint.config.mjs: errors < transport < client < otel < session <
// store, errors < protocol < client < fetch < ai-sdk, fetch < agents, errors < protocol <
// testing; `layer:fetch` holds the SDK adapter `@modelwire/fetch`, which only `layer:ai-sdk` (the
// AI SDK provider `@modelwire/ai-sdk`) and `layer:agents` (the `@openai/agents` provider
// `@modelwire/agents`) build on, and no layer imports those two; `layer:store` holds the
// session stores built on a database, such as `@modelwire/store-postgres`; tools may import
// anything). A constraint's `testOnlyDependOnLibsWithTags` are allowed in test files
// (`*.test.ts`) and `__fixtures__/` only. Relative imports may not leave their project.
//
// Projects and tags are read from the `package.json` of every workspace folder, the same
// source Nx reads `nx.tags` from, so the lint and the Nx project graph agree.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

const workspaceRoot = resolve(import.meta.dirname, '..', '..', '..');

/** @returns {{name: string, root: string, tags: string[]}[]} */
function readWorkspaceProjects() {
  const projects = [];
  for (const group of ['packages', 'tools']) {
    const groupDir = join(workspaceRoot, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const manifestPath = join(groupDir, entry.name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      projects.push({
        name: manifest.name,
        root: join(groupDir, entry.name),
        tags: manifest.nx?.tags ?? [],
      });
    }
  }
  return projects;
}

let cachedProjects;
function projects() {
  cachedProjects ??= readWorkspaceProjects();
  return cachedProjects;
}

function projectOfFile(filePath) {
  const absolute = resolve(filePath);
  return projects().find((project) => absolute === project.root || absolute.startsWith(project.root + sep));
}

function projectOfSpecifier(specifier) {
  return projects().find((project) => specifier === project.name || specifier.startsWith(`${project.name}/`));
}

/** Test files and their fixtures, which may also import `testOnlyDependOnLibsWithTags`. */
function isTestFile(filePath) {
  return /\.test\.[cm]?[jt]s$/.test(filePath) || filePath.split(/[\\/]/).includes('__fixtures__');
}

function allowedTags(constraints, sourceTags, testFile) {
  const allowed = new Set();
  let constrained = false;
  for (const constraint of constraints) {
    if (sourceTags.includes(constraint.sourceTag)) {
      constrained = true;
      for (const tag of constraint.onlyDependOnLibsWithTags) allowed.add(tag);
      if (testFile) for (const tag of constraint.testOnlyDependOnLibsWithTags ?? []) allowed.add(tag);
    }
  }
  return constrained ? allowed : null;
}

/** @type {import('eslint').Rule.RuleModule} */
const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Allow only downward imports between workspace layers.' },
    schema: [
      {
        type: 'object',
        properties: { depConstraints: { type: 'array' } },
        additionalProperties: false,
      },
    ],
    messages: {
      upward:
        'A project tagged "{{sourceTags}}" may not import "{{target}}" (tagged "{{targetTags}}"): only imports of lower layers are allowed.',
      untagged: 'Project "{{source}}" has no layer tag; give it one in package.json "nx.tags".',
      selfImport: 'Import your own project "{{target}}" with a relative path, not by package name.',
      escapesProject: 'Relative import "{{target}}" leaves project "{{source}}"; import the other project by package name.',
    },
  },
  create(context) {
    const constraints = context.options[0]?.depConstraints ?? [];
    const source = projectOfFile(context.filename);
    if (!source) return {};

    function check(node, specifier) {
      if (typeof specifier !== 'string') return;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(context.filename), specifier);
        if (!(target === source.root || target.startsWith(source.root + sep))) {
          context.report({ node, messageId: 'escapesProject', data: { target: specifier, source: source.name } });
        }
        return;
      }
      const target = projectOfSpecifier(specifier);
      if (!target) return;
      if (target === source) {
        context.report({ node, messageId: 'selfImport', data: { target: specifier } });
        return;
      }
      const allowed = allowedTags(constraints, source.tags, isTestFile(context.filename));
      if (allowed === null) {
        context.report({ node, messageId: 'untagged', data: { source: source.name } });
        return;
      }
      if (allowed.has('*') || target.tags.some((tag) => allowed.has(tag))) return;
      context.report({
        node,
        messageId: 'upward',
        data: { sourceTags: source.tags.join(','), target: specifier, targetTags: target.tags.join(',') },
      });
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export const modelwireEslintPlugin = { meta: { name: 'modelwire' }, rules: { 'layer-imports': layerImports } };

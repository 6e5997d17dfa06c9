// Validates entities (JSON Lines on stdin) with Backstage's own code, as its catalog does:
// the default entity policies (envelope, metadata, field formats, schema), then the kind's
// validator where Backstage has one (Domain, System, Component, API, Location; Template from the
// scaffolder). Environment, Dataplane and DeploymentPipeline are OpenChoreo's own kinds with
// no schema in Backstage: they get the generic policies only.
// Prints {"checked": n, "errors": [{"ref", "error"}]} on stdout.
'use strict';

const model = require('@backstage/catalog-model');
const { templateEntityV1beta3Validator } = require('@backstage/plugin-scaffolder-common');

const policy = model.EntityPolicies.allOf([
  new model.DefaultNamespaceEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.FieldFormatEntityPolicy(),
  new model.SchemaValidEntityPolicy(),
]);

const kindValidators = {
  Domain: model.domainEntityV1alpha1Validator,
  System: model.systemEntityV1alpha1Validator,
  Component: model.componentEntityV1alpha1Validator,
  API: model.apiEntityV1alpha1Validator,
  Location: model.locationEntityV1alpha1Validator,
  Template: templateEntityV1beta3Validator,
};

async function validate(entity) {
  const checked = await policy.enforce(entity);
  if (!checked) throw new Error('rejected by the entity policies');
  const validator = kindValidators[entity.kind];
  if (validator && !(await validator.check(entity))) {
    throw new Error(`not a ${entity.kind} entity`);
  }
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(l => l.trim());
  const errors = [];
  for (const line of lines) {
    const entity = JSON.parse(line);
    const meta = entity.metadata || {};
    const ref = `${entity.kind}:${meta.namespace || 'default'}/${meta.name}`;
    try {
      await validate(entity);
    } catch (error) {
      errors.push({ ref, error: String(error && error.message ? error.message : error) });
    }
  }
  process.stdout.write(JSON.stringify({ checked: lines.length, errors }) + '\n');
}

main().catch(error => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
  process.exit(1);
});

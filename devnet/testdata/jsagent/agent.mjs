// Drives DFINITY's JS agent (@icp-sdk/core) against a devnet:
//   node agent.mjs <url> <root key hex> <canister id>
// Prints one line per check; exits 1 on the first failure.
import { Actor, HttpAgent, CanisterStatus } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { Principal } from '@icp-sdk/core/principal';

const [url, rootKeyHex, canisterText] = process.argv.slice(2);
const rootKey = Uint8Array.from(Buffer.from(rootKeyHex, 'hex'));
const canisterId = Principal.fromText(canisterText);

const idlFactory = ({ IDL }) =>
  IDL.Service({
    greet: IDL.Func([IDL.Text], [IDL.Text], ['query']),
    whoami: IDL.Func([], [IDL.Principal], ['query']),
    inc: IDL.Func([], [IDL.Nat64], []),
    refuse: IDL.Func([], [], []),
  });
// The same methods, all called as updates (as @dfinity/nns does).
const updateFactory = ({ IDL }) =>
  IDL.Service({
    greet: IDL.Func([IDL.Text], [IDL.Text], []),
  });

async function check(name, f) {
  try {
    const got = await f();
    console.log(`ok   ${name}: ${got}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e && e.message ? e.message.split('\n').slice(0, 3).join(' | ') : e}`);
    process.exitCode = 1;
  }
}

const identities = [
  ['ed25519', Ed25519KeyIdentity.generate()],
  ['secp256k1', Secp256k1KeyIdentity.generate()],
  ['anonymous', undefined],
];

for (const [name, identity] of identities) {
  const agent = await HttpAgent.create({ host: url, identity, rootKey, verifyQuerySignatures: true });
  const actor = Actor.createActor(idlFactory, { agent, canisterId });
  const updates = Actor.createActor(updateFactory, { agent, canisterId });
  await check(`${name} query greet`, async () => {
    const r = await actor.greet('js');
    if (r !== 'Hello, js!') throw new Error(`unexpected reply ${r}`);
    return r;
  });
  await check(`${name} query whoami`, async () => {
    const p = await actor.whoami();
    const want = identity ? identity.getPrincipal().toText() : '2vxsx-fae';
    if (p.toText() !== want) throw new Error(`whoami ${p.toText()} != ${want}`);
    return p.toText();
  });
  await check(`${name} update inc`, async () => String(await actor.inc()));
  await check(`${name} query method via update call`, async () => updates.greet('update'));
  await check(`${name} update reject`, async () => {
    try {
      await actor.refuse();
    } catch (e) {
      if (!String(e.message).includes('refused by the test canister')) throw e;
      return 'rejected as expected';
    }
    throw new Error('no reject');
  });
  await check(`${name} read_state time + candid metadata`, async () => {
    const status = await CanisterStatus.request({ canisterId, agent, paths: ['time', 'candid'] });
    const candid = status.get('candid');
    if (!String(candid).includes('greet')) throw new Error(`candid ${candid}`);
    return `time=${status.get('time').toISOString()}`;
  });
}

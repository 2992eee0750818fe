// Drives the SNS governance client of @icp-sdk/canisters (SnsGovernanceCanister), unmodified,
// against a devnet SNS:
//   node sns.mjs <url> <root key hex> <governance canister id> <ed25519 seed hex> <expected proposals>
// The identity holds Vote permission on the devnet's neurons. Prints one line per check and,
// last, a JSON line the Go test reads; exits 1 on the first failure.
import { HttpAgent } from '@icp-sdk/core/agent';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Principal } from '@icp-sdk/core/principal';
import { SnsGovernanceCanister, SnsVote, SnsProposalRewardStatus } from '@icp-sdk/canisters/sns';

const [url, rootKeyHex, governanceText, seedHex, wantText] = process.argv.slice(2);
const rootKey = Uint8Array.from(Buffer.from(rootKeyHex, 'hex'));
const identity = Ed25519KeyIdentity.generate(Uint8Array.from(Buffer.from(seedHex, 'hex')));
const agent = await HttpAgent.create({ host: url, identity, rootKey, verifyQuerySignatures: true });
const gov = SnsGovernanceCanister.create({ agent, canisterId: Principal.fromText(governanceText) });
const result = {};

async function check(name, f) {
  try {
    console.log(`ok   ${name}: ${await f()}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e && e.message ? e.message.split('\n').slice(0, 3).join(' | ') : e}`);
    process.exit(1);
  }
}
const hex = (id) => Buffer.from(id.id).toString('hex');

for (const certified of [false, true]) {
  const how = certified ? 'certified' : 'query';
  await check(`${how} listNeurons`, async () => {
    const ns = await gov.listNeurons({ principal: identity.getPrincipal(), limit: 1, certified });
    const rest = await gov.listNeurons({ principal: identity.getPrincipal(), beforeNeuronId: ns[0].id[0], certified });
    result.neurons = [...ns, ...rest].map((n) => hex(n.id[0]));
    return result.neurons.join(',');
  });
  await check(`${how} listProposals`, async () => {
    const r = await gov.listProposals({ includeRewardStatus: [SnsProposalRewardStatus.PROPOSAL_REWARD_STATUS_ACCEPT_VOTES], limit: 10, certified });
    result.open = r.proposals.map((p) => Number(p.id[0].id));
    if (String(result.open.length) !== wantText) throw new Error(`${result.open.length} open proposals, want ${wantText}`);
    result.ballots = r.proposals[0].ballots.length;
    return `${result.open} with ${result.ballots} ballots of mine on the newest`;
  });
  await check(`${how} getProposal`, async () => {
    const p = await gov.getProposal({ proposalId: { id: BigInt(result.open[0]) }, certified });
    return p.proposal[0].title;
  });
  await check(`${how} listTopics`, async () => {
    const t = await gov.listTopics({ certified });
    return t.topics[0].filter((x) => x.is_critical[0]).map((x) => x.name[0]).join('; ');
  });
  await check(`${how} metadata`, async () => (await gov.metadata({ certified })).name[0]);
  await check(`${how} nervousSystemParameters`, async () =>
    String((await gov.nervousSystemParameters({ certified })).neuron_minimum_dissolve_delay_to_vote_seconds[0]));
  await check(`${how} listNervousSystemFunctions`, async () => String((await gov.listNervousSystemFunctions({ certified })).functions.length));
}
await check('registerVote', async () => {
  const neuronId = { id: Uint8Array.from(Buffer.from(result.neurons[0], 'hex')) };
  await gov.registerVote({ neuronId, proposalId: { id: BigInt(result.open[0]) }, vote: SnsVote.No });
  const p = await gov.getProposal({ proposalId: { id: BigInt(result.open[0]) }, certified: true });
  const mine = p.ballots.find(([id]) => id === result.neurons[0]);
  result.voted = mine ? mine[1].vote : 0;
  if (result.voted !== SnsVote.No) throw new Error(`ballot reads ${result.voted} after voting No`);
  return `proposal ${result.open[0]} neuron ${result.neurons[0].slice(0, 8)}… No`;
});
await check('registerVote again is refused', async () => {
  const neuronId = { id: Uint8Array.from(Buffer.from(result.neurons[0], 'hex')) };
  try {
    await gov.registerVote({ neuronId, proposalId: { id: BigInt(result.open[0]) }, vote: SnsVote.Yes });
  } catch (e) {
    result.refusal = e.message;
    return e.message.split('\n')[0];
  }
  throw new Error('a second vote was accepted');
});
console.log(JSON.stringify(result));

// Encodes SNS replies with the Candid interfaces of @icp-sdk/canisters
// (pinned in package.json): SNS governance (declarations/sns/governance.idl.js),
// SNS-W (declarations/nns/sns_wasm.idl.js), SNS root (declarations/sns/root.idl.js)
// and the ICRC ledger (declarations/ledger-icrc/icrc_ledger.idl.js), into
// replies/<case>.hex, for votebot's Go decode tests (contract_sns_test.go in
// agent/). See README.md. Run: npm ci && node gen.mjs
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { IDL } from "@icp-sdk/core/candid";
import { Principal } from "@icp-sdk/core/principal";
// The IDL files are not in the package's exports: import the files themselves.
import { idlFactory as governanceIDL } from "./node_modules/@icp-sdk/canisters/declarations/sns/governance.idl.js";
import { idlFactory as wasmIDL } from "./node_modules/@icp-sdk/canisters/declarations/nns/sns_wasm.idl.js";
import { idlFactory as rootIDL } from "./node_modules/@icp-sdk/canisters/declarations/sns/root.idl.js";
import { idlFactory as ledgerIDL } from "./node_modules/@icp-sdk/canisters/declarations/ledger-icrc/icrc_ledger.idl.js";
import { sampler } from "../sample.mjs";

const has = (fields, ...names) => names.every((n) => n in fields);

// Future tags: what a newer SNS canister would send, made by adding one case
// to the interface's own variants.
const future = {
  variant(fields) {
    if (has(fields, "Motion", "TransferSnsTreasuryFunds")) return { ...fields, SomeFutureAction: IDL.Record({ x: IDL.Nat64 }) };
    if (has(fields, "DaoCommunitySettings", "Governance")) return { ...fields, SomeFutureTopic: IDL.Null };
    if (has(fields, "WhenDissolvedTimestampSeconds")) return { ...fields, SomeFutureDissolveState: IDL.Nat64 };
    if (has(fields, "Error", "RegisterVote")) return { ...fields, SomeFutureCommand: IDL.Record({}) };
    return fields;
  },
  record: (fields) => fields,
};

// service builds a service with the IDL, optionally extended.
function service(factory, ext) {
  const idl = !ext ? IDL : { ...IDL, Variant: (f) => IDL.Variant(ext.variant(f)), Record: (f) => IDL.Record(ext.record(f)) };
  const methods = Object.fromEntries(factory({ IDL: idl })._fields);
  return {
    ret: (m) => methods[m].retTypes[0],
    encode: (m, v) => Buffer.from(IDL.encode([methods[m].retTypes[0]], [v])),
  };
}

const principal = Principal.fromUint8Array(Uint8Array.from([0x42, 0x01]));
const { sample, field, unopt } = sampler(IDL, principal);
const base = service(governanceIDL);
const newer = service(governanceIDL, future);
const cases = {};

const ProposalData = unopt(field(field(base.ret("get_proposal"), "result"), "Proposal"));
const Proposal = unopt(field(ProposalData, "proposal"));
const Action = unopt(field(Proposal, "action"));
const Topic = unopt(field(ProposalData, "topic"));
const Neuron = unopt(field(base.ret("list_neurons"), "neurons")._type);
const Command1 = unopt(field(base.ret("manage_neuron"), "command"));

// A neuron id is 32 bytes; its hex is the ballots' key.
const neuronId = (b) => new Uint8Array(32).fill(b);
const hex = (u8) => Buffer.from(u8).toString("hex");

function proposal(id, action, extra = {}) {
  return {
    ...sample(ProposalData), id: [{ id: BigInt(id) }], action: 1n, topic: [{ Governance: null }],
    ballots: [[hex(neuronId(7)), { vote: 1, cast_timestamp_seconds: 1_900_000_000n, voting_power: 1_000n + BigInt(id) }]],
    proposer: [{ id: neuronId(1) }],
    proposal: [{ ...sample(Proposal), title: `proposal ${id}`, summary: `summary ${id}`, action: action === undefined ? [] : [action] }],
    ...extra,
  };
}
const motion = (text) => ({ Motion: { motion_text: text } });

// Current shapes: every Action case, with its payload's every field set.
Action._fields.forEach(([tag, t], i) => {
  cases[`action_${tag}`] = base.encode("list_proposals", {
    proposals: [proposal(100 + i, { [tag]: sample(t) })], include_ballots_by_caller: [true], include_topic_filtering: [true] });
});
const threeProposals = [proposal(3, motion("third")), proposal(2, { ExecuteGenericNervousSystemFunction: { function_id: 1001n, payload: Uint8Array.from([9]) } }), proposal(1, motion("first"))];
cases.list_proposals_3 = base.encode("list_proposals", { proposals: threeProposals, include_ballots_by_caller: [true], include_topic_filtering: [] });
cases.list_proposals_no_action = base.encode("list_proposals", { proposals: [proposal(5, undefined, { topic: [] })], include_ballots_by_caller: [], include_topic_filtering: [] });
// Every Topic case, on a proposal.
Topic._fields.forEach(([tag]) => {
  cases[`topic_${tag}`] = base.encode("get_proposal", { result: [{ Proposal: proposal(40, motion("t"), { topic: [{ [tag]: null }] }) }] });
});
cases.get_proposal = base.encode("get_proposal", { result: [{ Proposal: proposal(9, motion("nine")) }] });
cases.get_proposal_error = base.encode("get_proposal", { result: [{ Error: { error_type: 3, error_message: "No proposal for given ProposalId." } }] });

// Neurons, every field set; both DissolveState cases; topic following.
function neuron(b, dissolve) {
  return {
    ...sample(Neuron), id: [{ id: neuronId(b) }], cached_neuron_stake_e8s: 500_000_000n + BigInt(b), dissolve_state: [dissolve],
    permissions: [{ principal: [principal], permission_type: [3, 4] }],
    topic_followees: [{ topic_id_to_followees: [[5, { topic: [{ Governance: null }], followees: [{ neuron_id: [{ id: neuronId(9) }], alias: ["nine"] }] }]] }],
  };
}
const delay = { DissolveDelaySeconds: 15_778_800n };
const when = { WhenDissolvedTimestampSeconds: 1_900_000_000n };
cases.list_neurons = base.encode("list_neurons", { neurons: [neuron(11, delay), neuron(12, when)] });

// Every Command_1 case (manage_neuron's reply).
Command1._fields.forEach(([tag, t]) => {
  cases[`command_${tag}`] = base.encode("manage_neuron", { command: [{ [tag]: sample(t) }] });
});
cases.command_Error_already_voted = base.encode("manage_neuron", { command: [{ Error: { error_type: 10, error_message: "Neuron already voted on proposal." } }] });

for (const m of ["list_topics", "get_nervous_system_parameters", "get_latest_reward_event", "get_metadata", "list_nervous_system_functions"]) {
  cases[m] = base.encode(m, sample(base.ret(m)));
}
cases.list_deployed_snses = service(wasmIDL).encode("list_deployed_snses", sample(service(wasmIDL).ret("list_deployed_snses")));
cases.list_sns_canisters = service(rootIDL).encode("list_sns_canisters", sample(service(rootIDL).ret("list_sns_canisters")));
cases.icrc1_symbol = service(ledgerIDL).encode("icrc1_symbol", "CHAT");

// Future tags, encoded with the extended interface.
cases.future_action = newer.encode("list_proposals", { proposals: [
  proposal(3, motion("third")), proposal(2, { SomeFutureAction: { x: 1n } }), proposal(1, motion("first"))], include_ballots_by_caller: [true], include_topic_filtering: [] });
cases.future_topic = newer.encode("list_proposals", { proposals: [
  proposal(3, motion("third")), proposal(2, motion("second"), { topic: [{ SomeFutureTopic: null }] }), proposal(1, motion("first"))], include_ballots_by_caller: [true], include_topic_filtering: [] });
const futureFollowing = { topic_id_to_followees: [
  [8, { topic: [{ SomeFutureTopic: null }], followees: [{ neuron_id: [{ id: neuronId(9) }], alias: [] }] }],
  [5, { topic: [{ Governance: null }], followees: [{ neuron_id: [{ id: neuronId(9) }], alias: [] }] }]] };
cases.future_topic_in_neuron = newer.encode("list_neurons", { neurons: [{ ...neuron(11, delay), topic_followees: [futureFollowing] }, neuron(12, when)] });
cases.future_dissolve_state = newer.encode("list_neurons", { neurons: [neuron(11, delay), neuron(12, { SomeFutureDissolveState: 9n })] });
cases.future_command = newer.encode("manage_neuron", { command: [{ SomeFutureCommand: {} }] });

const dir = new URL("./replies/", import.meta.url);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir);
for (const [name, bytes] of Object.entries(cases)) writeFileSync(new URL(`${name}.hex`, dir), bytes.toString("hex") + "\n");
console.log(`${Object.keys(cases).length} replies in ${dir.pathname}`);

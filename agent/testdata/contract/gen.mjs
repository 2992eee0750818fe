// Encodes NNS governance replies with the NNS dapp's own Candid interface
// (the governance IDL of @dfinity/nns, pinned in package.json) into
// replies/<case>.hex, for votebot's Go decode tests (contract_test.go in
// agent/). See README.md. Run: npm ci && node gen.mjs
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { IDL } from "@icp-sdk/core/candid";
import { Principal } from "@icp-sdk/core/principal";
// @dfinity/nns 12.1 re-exports @icp-sdk/canisters/nns, whose governance
// IDL is not in the package's exports: import the file itself.
import { idlFactory } from "./node_modules/@icp-sdk/canisters/declarations/nns/governance.idl.js";
import { sampler } from "../sample.mjs";

const has = (fields, ...names) => names.every((n) => n in fields);

// Future tags: what a newer canister would send, made by adding one case to
// the dapp's own variants (and the success_value field, newer than 12.1).
const future = {
  variant(fields) {
    if (has(fields, "Motion", "InstallCode")) return { ...fields, SomeFutureAction: IDL.Record({}), Batch: IDL.Record({}) };
    if (has(fields, "CatchAll", "Governance")) return { ...fields, SomeFutureTopic: IDL.Null };
    if (has(fields, "WhenDissolvedTimestampSeconds")) return { ...fields, SomeFutureDissolveState: IDL.Nat64 };
    if (has(fields, "Error", "RegisterVote")) return { ...fields, SomeFutureCommand: IDL.Record({}) };
    if (has(fields, "MakeProposal", "Follow") && !("Error" in fields)) return { ...fields, SomeFutureManageCommand: IDL.Record({}) };
    return fields;
  },
  record(fields) {
    if (has(fields, "ballots", "proposal_timestamp_seconds")) {
      return { ...fields, success_value: IDL.Opt(successValue) };
    }
    return fields;
  },
};
const successValue = IDL.Variant({
  CreateCanisterAndInstallCode: IDL.Record({ canister_id: IDL.Opt(IDL.Principal) }),
  TakeCanisterSnapshot: IDL.Record({}),
  SomeFutureValue: IDL.Record({}),
});

// service builds the governance service with the IDL, optionally extended.
function service(ext) {
  const idl = !ext ? IDL : {
    ...IDL,
    Variant: (f) => IDL.Variant(ext.variant(f)),
    Record: (f) => IDL.Record(ext.record(f)),
  };
  const svc = idlFactory({ IDL: idl });
  const methods = Object.fromEntries(svc._fields);
  return {
    ret: (m) => methods[m].retTypes[0],
    encode: (m, v) => Buffer.from(IDL.encode([methods[m].retTypes[0]], [v])),
  };
}

const principal = Principal.fromUint8Array(Uint8Array.from([0x42, 0x01]));
const { sample, field, unopt } = sampler(IDL, principal);

const base = service();
const newer = service(future);
const cases = {};

// Types of the dapp's interface, reached from the methods' results.
const ProposalInfo = unopt(base.ret("get_proposal_info"));
const Proposal = unopt(field(ProposalInfo, "proposal"));
const Action = unopt(field(Proposal, "action"));
const Neuron = unopt(field(base.ret("list_neurons"), "full_neurons")._type);
const KnownNeuronData = unopt(field(Neuron, "known_neuron_data"));
const TopicToFollow = unopt(field(KnownNeuronData, "committed_topics")._type._type);
const Command1 = unopt(field(base.ret("manage_neuron"), "command"));

function proposal(id, action, extra = {}) {
  const p = sample(ProposalInfo);
  return {
    ...p, ...extra, id: [{ id: BigInt(id) }], status: 1, topic: 4, reward_status: 1,
    deadline_timestamp_seconds: [1_900_000_000n + BigInt(id)],
    ballots: [[7n, { vote: 0, voting_power: 1_000n + BigInt(id) }]],
    proposal: [{ ...sample(Proposal), title: [`proposal ${id}`], summary: `summary ${id}`, action: action === undefined ? [] : [action] }],
  };
}

// Current shapes: every Action case, with its payload's every field set.
Action._fields.forEach(([tag, t], i) => {
  cases[`action_${tag}`] = base.encode("list_proposals", { proposal_info: [proposal(100 + i, { [tag]: sample(t) })] });
});
const motion = (text) => ({ Motion: { motion_text: text } });
const threeProposals = [
  proposal(3, motion("third")),
  proposal(2, { ExecuteNnsFunction: { nns_function: 4, payload: Uint8Array.from([9]) } }),
  proposal(1, motion("first")),
];
cases.list_proposals_3 = base.encode("list_proposals", { proposal_info: threeProposals });
cases.list_proposals_no_action = base.encode("list_proposals", { proposal_info: [proposal(5, undefined)] });
cases.get_proposal_info = base.encode("get_proposal_info", [proposal(9, motion("nine"))]);
cases.get_proposal_info_none = base.encode("get_proposal_info", []);
cases.get_pending_proposals = base.encode("get_pending_proposals", threeProposals);

// Full neurons, every field set; each TopicToFollow in committed_topics.
const everyTopic = TopicToFollow._fields.map(([tag]) => [{ [tag]: null }]);
function neuron(id, dissolve, topics = everyTopic) {
  return {
    ...sample(Neuron), id: [{ id: BigInt(id) }], cached_neuron_stake_e8s: 500_000_000n + BigInt(id),
    dissolve_state: [dissolve], hot_keys: [principal],
    followees: [[4, { followees: [{ id: 77n }] }]],
    recent_ballots: [{ vote: 1, proposal_id: [{ id: 3n }] }],
    known_neuron_data: [{ name: `known ${id}`, description: ["d"], links: [["https://example.org"]], committed_topics: [topics] }],
  };
}
const neuronInfo = (id) => ({ ...sample(unopt(field(base.ret("get_neuron_info"), "Ok"))), id: [{ id: BigInt(id) }], stake_e8s: 42n });
const delay = { DissolveDelaySeconds: 15_778_800n };
const when = { WhenDissolvedTimestampSeconds: 1_900_000_000n };
cases.list_neurons = base.encode("list_neurons", {
  neuron_infos: [[11n, neuronInfo(11)], [12n, neuronInfo(12)]],
  full_neurons: [neuron(11, delay), neuron(12, when)],
  total_pages_available: [1n],
});
cases.get_full_neuron = base.encode("get_full_neuron", { Ok: neuron(13, delay) });
cases.get_full_neuron_err = base.encode("get_full_neuron", { Err: { error_type: 3, error_message: "not authorized" } });
cases.get_neuron_info = base.encode("get_neuron_info", { Ok: neuronInfo(14) });
cases.list_known_neurons = base.encode("list_known_neurons", {
  known_neurons: [{ id: [{ id: 21n }], known_neuron_data: [{ name: "known 21", description: [], links: [], committed_topics: [everyTopic] }] }],
});
cases.get_latest_reward_event = base.encode("get_latest_reward_event", sample(base.ret("get_latest_reward_event")));
cases.get_network_economics_parameters = base.encode("get_network_economics_parameters", sample(base.ret("get_network_economics_parameters")));

// Every Command_1 case (manage_neuron's reply).
Command1._fields.forEach(([tag, t]) => {
  cases[`command_${tag}`] = base.encode("manage_neuron", { command: [{ [tag]: sample(t) }] });
});

// Future tags, encoded with the extended interface.
const NewerNeuron = unopt(field(newer.ret("list_neurons"), "full_neurons")._type);
const newerNeuron = (id, dissolve, topics) => ({ ...neuron(id, dissolve, topics), ...Object.fromEntries(
  Object.keys(sample(NewerNeuron)).filter((k) => !(k in neuron(id, dissolve))).map((k) => [k, sample(field(NewerNeuron, k))])) });
const newProposal = (id, action, extra) => ({ ...proposal(id, action, extra), success_value: [] });
cases.future_action = newer.encode("list_proposals", { proposal_info: [
  newProposal(3, motion("third")), newProposal(2, { SomeFutureAction: {} }), newProposal(1, motion("first"))] });
cases.future_action_batch = newer.encode("list_proposals", { proposal_info: [
  newProposal(3, motion("third")), newProposal(2, { Batch: {} }), newProposal(1, motion("first"))] });
cases.future_action_get_proposal_info = newer.encode("get_proposal_info", [newProposal(2, { SomeFutureAction: {} })]);
cases.future_command_in_manage_neuron_action = newer.encode("list_proposals", { proposal_info: [
  newProposal(3, motion("third")),
  newProposal(2, { ManageNeuron: { id: [{ id: 5n }], neuron_id_or_subaccount: [], command: [{ SomeFutureManageCommand: {} }] } }),
  newProposal(1, motion("first"))] });
cases.future_success_value = newer.encode("list_proposals", { proposal_info: [
  { ...newProposal(3, motion("third")), success_value: [{ CreateCanisterAndInstallCode: { canister_id: [principal] } }] },
  { ...newProposal(2, motion("second")), success_value: [{ SomeFutureValue: {} }] },
  newProposal(1, motion("first"))] });
const topicsWithFuture = [[{ Governance: null }], [{ SomeFutureTopic: null }], [{ CatchAll: null }]];
cases.future_topic_known_neurons = newer.encode("list_known_neurons", { known_neurons: [
  { id: [{ id: 21n }], known_neuron_data: [{ name: "known 21", description: [], links: [], committed_topics: [topicsWithFuture] }] },
  { id: [{ id: 22n }], known_neuron_data: [{ name: "known 22", description: [], links: [], committed_topics: [[[{ Kyc: null }]]] }] }] });
cases.future_topic_in_neuron = newer.encode("list_neurons", {
  neuron_infos: [], full_neurons: [newerNeuron(11, delay, topicsWithFuture), newerNeuron(12, when)], total_pages_available: [1n] });
cases.future_dissolve_state = newer.encode("list_neurons", {
  neuron_infos: [], full_neurons: [newerNeuron(11, delay), newerNeuron(12, { SomeFutureDissolveState: 9n })], total_pages_available: [1n] });
cases.future_dissolve_state_get_full_neuron = newer.encode("get_full_neuron", { Ok: newerNeuron(13, { SomeFutureDissolveState: 9n }) });
cases.future_command = newer.encode("manage_neuron", { command: [{ SomeFutureCommand: {} }] });

const dir = new URL("./replies/", import.meta.url);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir);
for (const [name, bytes] of Object.entries(cases)) writeFileSync(new URL(`${name}.hex`, dir), bytes.toString("hex") + "\n");
console.log(`${Object.keys(cases).length} replies in ${dir.pathname}`);

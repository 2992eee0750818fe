// Shared by contract/gen.mjs and contract-sns/gen.mjs: fills Candid types
// with deterministic sample values. It takes the IDL module of the caller's
// own node_modules, whose type classes the caller's interface is built of.

// sampler returns sample, field and unopt over IDL, with principal as every
// principal's value.
export function sampler(IDL, principal) {
  // sample fills every field of a type deterministically: numbers count
  // up, options are set and vectors hold one element until depth runs out,
  // a variant takes its first case (a payload-free one when deep).
  let n = 0;
  function sample(t, depth = 0) {
    if (t instanceof IDL.RecClass) return sample(t.getType(), depth);
    if (t instanceof IDL.TupleClass) return t._components.map((c) => sample(c, depth + 1));
    if (t instanceof IDL.RecordClass) return Object.fromEntries(t._fields.map(([k, ft]) => [k, sample(ft, depth + 1)]));
    if (t instanceof IDL.VariantClass) {
      let [tag, ft] = t._fields[0];
      if (depth > 6) [tag, ft] = t._fields.find(([, f]) => !(f instanceof IDL.RecClass || f instanceof IDL.VariantClass)) ?? t._fields[0];
      return { [tag]: sample(ft, depth + 1) };
    }
    if (t instanceof IDL.OptClass) return depth < 9 ? [sample(t._type, depth + 1)] : [];
    if (t instanceof IDL.VecClass) {
      if (t._type instanceof IDL.FixedNatClass && t._type._bits === 8) return Uint8Array.from([1, 2, 3, 4]);
      return depth < 9 ? [sample(t._type, depth + 1)] : [];
    }
    n++;
    if (t instanceof IDL.FixedNatClass || t instanceof IDL.FixedIntClass) return t._bits > 32 ? BigInt(n) : n;
    if (t instanceof IDL.NatClass || t instanceof IDL.IntClass) return BigInt(n);
    if (t instanceof IDL.FloatClass) return n + 0.5;
    if (t instanceof IDL.TextClass) return `text ${n}`;
    if (t instanceof IDL.BoolClass) return true;
    if (t instanceof IDL.PrincipalClass) return principal;
    if (t instanceof IDL.NullClass || t instanceof IDL.ReservedClass) return null;
    throw new Error(`sample: unsupported type ${t.display()}`);
  }
  // unopt is t without Rec and Opt wrappers.
  const unopt = (t) => {
    while (t instanceof IDL.RecClass || t instanceof IDL.OptClass) t = t instanceof IDL.RecClass ? t.getType() : t._type;
    return t;
  };
  // field returns the type of a record field (through Rec and Opt).
  function field(t, name) {
    t = unopt(t);
    const f = t._fields.find(([k]) => k === name);
    if (!f) throw new Error(`no field ${name} in ${t.display()}`);
    return f[1];
  }
  return { sample, field, unopt };
}

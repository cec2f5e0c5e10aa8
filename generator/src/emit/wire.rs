//! `Serialize`, `Deserialize` and `Debug` of generated structs, written out
//! rather than derived.
//!
//! serde's derives also read structs from sequences, match member names as
//! integers and bytes, track duplicates and count skipped fields twice; none
//! of it serves JSON objects, and over the ~22,000 fields of the whole Graph
//! it was the largest part of `cargo check`. Written out, a field costs a
//! call to write it and a match arm to read it.
//!
//! These impls are almost half of the generated text and have one fixed
//! shape, so they are written as text, laid out like the rest (four-space
//! indents, 100 columns, one argument a line when a call does not fit),
//! instead of going through syn and prettyplease, which would double the
//! generator's time. Tests parse what they write.

use std::fmt::Write as _;

/// The line width of the impls written here (rustfmt's default; the
/// declarations follow prettyplease's narrower margin, see `text.rs`).
pub(super) const WIDTH: usize = 100;

/// One member of the JSON object.
pub struct WireField<'a> {
    /// The field, as Rust writes it (`r#type`).
    pub ident: String,
    /// The member name on the wire.
    pub json: &'a str,
    /// A required field is its plain type; an optional one is `Option<_>`,
    /// left out when `None`.
    pub required: bool,
}

/// One struct's impls.
pub struct Wire<'a> {
    /// The struct's name.
    pub name: &'a str,
    /// The OData type (or what the struct stands for), for error messages.
    pub qualified: &'a str,
    pub fields: &'a [WireField<'a>],
    /// The map field that keeps an open type's undeclared members.
    pub additional: Option<&'a str>,
    /// The struct's `#[cfg(...)]` line, or empty.
    pub cfg: &'a str,
}

impl Wire<'_> {
    /// Whether the struct has any member, declared or kept.
    fn has_members(&self) -> bool {
        !self.fields.is_empty() || self.additional.is_some()
    }

    /// The `object` binding of an in-place `read`: never written to in a
    /// struct with no members at all.
    fn object_binding(&self) -> &'static str {
        if self.has_members() {
            "mut object"
        } else {
            "object"
        }
    }
}

/// `impl Serialize`, `impl Debug`, `impl Object` and `impl Deserialize`, as
/// text.
///
/// Both take the shapes rustc checks fastest (measured): a plain call per
/// member written (the runtime's `Writer` keeps the first error), one match
/// arm per member read with the runtime's `set` doing the rest, errors
/// matched out rather than passed on with `?` (whose trait machinery cost
/// seconds of borrow checking over thousands of bodies), and no local per
/// field where `Default` gives the starting value. A struct with no required
/// field must implement `Default`: it is read in place.
pub fn impls(w: &Wire<'_>) -> String {
    let mut out = String::with_capacity(256 + w.fields.len() * 160);
    // The `#[cfg]` above each impl, laid out once.
    let cfg = super::text::cfg_lines(w.cfg);
    serialize(&mut out, w, &cfg);
    object(&mut out, w, &cfg);
    let name = w.name;
    let _ = write!(
        out,
        "{cfg}impl<'de> serde::Deserialize<'de> for {name} {{
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {{
        graphgen_runtime::object::deserialize(deserializer)
    }}
}}
"
    );
    out
}

/// `Serialize` and `Debug`: each one runtime call over the members listed
/// once in `Object::members` (a derived `Debug` was a second body as large as
/// `serialize`'s, 3 seconds of the whole Graph's `cargo check`).
fn serialize(out: &mut String, w: &Wire<'_>, cfg: &str) {
    let name = w.name;
    let _ = write!(
        out,
        "{cfg}impl serde::Serialize for {name} {{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {{
        graphgen_runtime::object::serialize(self, serializer)
    }}
}}
{cfg}impl std::fmt::Debug for {name} {{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{
        graphgen_runtime::object::debug(self, {}, f)
    }}
}}
",
        quoted(name)
    );
}

/// `Object::members`: one call per member, with its wire and Rust names.
fn members(out: &mut String, w: &Wire<'_>) {
    let sink = "graphgen_runtime::object::MemberSink";
    if !w.has_members() {
        line(
            out,
            4,
            &format!("fn members<M: {sink}>(&self, _: &mut M) {{}}"),
        );
        return;
    }
    line(
        out,
        4,
        &format!("fn members<M: {sink}>(&self, object: &mut M) {{"),
    );
    for f in w.fields {
        let method = if f.required { "required" } else { "optional" };
        let json = quoted(f.json);
        let field = quoted(f.ident.trim_start_matches("r#"));
        let value = format!("&self.{}", f.ident);
        call(
            out,
            8,
            &format!("object.{method}("),
            &[&json, &field, &value],
            ");",
        );
    }
    if let Some(a) = w.additional {
        call(
            out,
            8,
            "object.extra(",
            &[&quoted(a), &format!("&self.{a}")],
            ");",
        );
    }
    line(out, 4, "}");
}

fn object(out: &mut String, w: &Wire<'_>, cfg: &str) {
    let name = w.name;
    let _ = write!(
        out,
        "{cfg}impl graphgen_runtime::object::Object for {name} {{
    const NAME: &'static str = {};
",
        quoted(w.qualified)
    );
    members(out, w);
    line(
        out,
        4,
        "fn read<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {",
    );
    let required: Vec<&WireField<'_>> = w.fields.iter().filter(|f| f.required).collect();
    let in_place = required.is_empty();
    let any_optional = w.fields.iter().any(|f| !f.required);
    let mut imports = vec![];
    if required.len() > 1 {
        imports.push("missing");
    }
    if any_optional {
        imports.push("set");
    }
    if !in_place {
        imports.push("set_some");
    }
    imports.push(if w.additional.is_some() {
        "keep"
    } else {
        "skip"
    });
    imports.sort_unstable();
    // A local named like a helper would hide it: then the helpers go by path.
    let hidden = !in_place && w.fields.iter().any(|f| imports.contains(&f.ident.as_str()));
    let path = if hidden {
        "graphgen_runtime::object::"
    } else {
        ""
    };
    if !hidden {
        let imports = match imports.as_slice() {
            [one] => one.to_string(),
            many => format!("{{{}}}", many.join(", ")),
        };
        line(out, 8, &format!("use graphgen_runtime::object::{imports};"));
    }
    // The fields are the locals, or the fields of `object`; the map and the
    // key get names no field can have.
    let slot = |ident: &str| {
        if in_place {
            format!("&mut object.{ident}")
        } else {
            format!("&mut {ident}")
        }
    };
    if in_place {
        let binding = w.object_binding();
        line(out, 8, &format!("let {binding} = Self::default();"));
    } else {
        for f in w.fields {
            line(out, 8, &format!("let mut {} = None;", f.ident));
        }
        if let Some(a) = w.additional {
            line(out, 8, &format!("let mut {a} = serde_json::Map::new();"));
        }
    }
    let extra = w.additional.map(slot);
    let (other, other_args) = match &extra {
        Some(extra) => (format!("{path}keep("), vec!["&mut __map", "__key", extra]),
        None => (format!("{path}skip("), vec!["&mut __map"]),
    };
    line(out, 8, "loop {");
    // The key is left unnamed where nothing reads it.
    let key_used = !w.fields.is_empty() || extra.is_some();
    let next_key = "match __map.next_key::<graphgen_runtime::object::Key<'de>>() {";
    if key_used {
        line(out, 12, &format!("let __key = {next_key}"));
        line(out, 16, "Ok(Some(key)) => key,");
    } else {
        line(out, 12, next_key);
        line(out, 16, "Ok(Some(_)) => {}");
    }
    line(out, 16, "Ok(None) => break,");
    line(out, 16, "Err(e) => return Err(e),");
    line(out, 12, if key_used { "};" } else { "}" });
    if w.fields.is_empty() {
        call(out, 12, &format!("let __read = {other}"), &other_args, ");");
    } else {
        line(out, 12, "let __read = match __key.as_str() {");
        for f in w.fields {
            let function = format!("{path}{}(", if f.required { "set_some" } else { "set" });
            arm(
                out,
                16,
                &quoted(f.json),
                &function,
                &["&mut __map", &slot(&f.ident)],
            );
        }
        arm(out, 16, "_", &other, &other_args);
        line(out, 12, "};");
    }
    line(out, 12, "match __read {");
    line(out, 16, "Ok(()) => {}");
    line(out, 16, "Err(e) => return Err(e),");
    line(out, 12, "}");
    line(out, 8, "}");
    if in_place {
        line(out, 8, "Ok(object)");
    } else {
        required_members(out, w, &required, path);
    }
    out.push_str("    }\n}\n");
}

/// The end of a `read` with required members: one `match` on all of them
/// instead of a `?` per member, which costs rustc far more on the whole of
/// Graph. The error names the first absent member in declaration order.
fn required_members(out: &mut String, w: &Wire<'_>, required: &[&WireField<'_>], path: &str) {
    // The `match` and its first arm's pattern; the failing arm.
    let (pattern, error) = match required {
        [one] => {
            line(out, 8, &format!("match {} {{", one.ident));
            line(out, 12, &format!("Some({}) => Ok(Self {{", one.ident));
            (
                "None",
                format!("Err(serde::de::Error::missing_field({}))", quoted(one.json)),
            )
        }
        _ => {
            absent_members(out, required);
            let idents: Vec<&str> = required.iter().map(|f| f.ident.as_str()).collect();
            call(out, 8, "match (", &idents, ") {");
            let somes: Vec<String> = idents.iter().map(|i| format!("Some({i})")).collect();
            let somes: Vec<&str> = somes.iter().map(String::as_str).collect();
            call(out, 12, "(", &somes, ") => Ok(Self {");
            ("_", format!("Err({path}missing(&__absent))"))
        }
    };
    for f in w.fields {
        line(out, 16, &format!("{},", f.ident));
    }
    if let Some(a) = w.additional {
        line(out, 16, &format!("{a},"));
    }
    line(out, 12, "}),");
    let one = format!("{pattern} => {error},");
    if 12 + one.len() <= WIDTH {
        line(out, 12, &one);
    } else {
        line(out, 12, &format!("{pattern} => {{"));
        line(out, 16, &error);
        line(out, 12, "}");
    }
    line(out, 8, "}");
}

/// `let __absent = [("json", ident.is_none()), ...];`, each pair on its own
/// line when the whole does not fit, and broken itself when it does not.
fn absent_members(out: &mut String, required: &[&WireField<'_>]) {
    let pairs: Vec<(String, String)> = required
        .iter()
        .map(|f| (quoted(f.json), format!("{}.is_none()", f.ident)))
        .collect();
    let one = pairs
        .iter()
        .map(|(json, absent)| format!("({json}, {absent})"))
        .collect::<Vec<_>>()
        .join(", ");
    let one = format!("let __absent = [{one}];");
    if 8 + one.len() <= WIDTH {
        line(out, 8, &one);
        return;
    }
    line(out, 8, "let __absent = [");
    for (json, absent) in &pairs {
        let pair = format!("({json}, {absent}),");
        if 12 + pair.len() <= WIDTH {
            line(out, 12, &pair);
        } else {
            line(out, 12, "(");
            line(out, 16, &format!("{json},"));
            line(out, 16, &format!("{absent},"));
            line(out, 12, "),");
        }
    }
    line(out, 8, "];");
}

/// A match arm whose body is one call: on one line when it fits, else in a
/// block, else with one argument a line.
pub(super) fn arm(out: &mut String, indent: usize, pattern: &str, function: &str, args: &[&str]) {
    let one = format!("{pattern} => {function}{}),", args.join(", "));
    if indent + one.len() <= WIDTH {
        line(out, indent, &one);
        return;
    }
    line(out, indent, &format!("{pattern} => {{"));
    call(out, indent + 4, function, args, ")");
    line(out, indent, "}");
}

/// `prefix` + arguments + `suffix` on one line when it fits in the width,
/// else one argument a line, each with a trailing comma.
pub(super) fn call(out: &mut String, indent: usize, prefix: &str, args: &[&str], suffix: &str) {
    let one = format!("{prefix}{}{suffix}", args.join(", "));
    if indent + one.len() <= WIDTH {
        line(out, indent, &one);
        return;
    }
    line(out, indent, prefix);
    for a in args {
        line(out, indent + 4, &format!("{a},"));
    }
    line(out, indent, suffix);
}

pub(super) fn line(out: &mut String, indent: usize, text: &str) {
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str(text);
    out.push('\n');
}

/// A Rust string literal. Member and type names are CSDL simple identifiers
/// and dots, but escaping costs nothing.
pub(super) fn quoted(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text parses as items, and no line is wider than prettyplease's
    /// width unless `longest` (a name) alone makes it so.
    fn assert_laid_out(text: &str, longest: usize) {
        syn::parse_str::<syn::File>(text).expect("the impls parse");
        for line in text.lines() {
            assert!(
                line.len() <= WIDTH || longest > 60,
                "{} columns: {line}",
                line.len()
            );
            assert_eq!(line.trim_end(), line, "trailing space");
        }
    }

    #[test]
    fn every_length_is_laid_out_within_the_width() {
        for n in 1..90 {
            let ident = "f".repeat(n);
            let json = "j".repeat(n / 2 + 1);
            for required in [false, true] {
                for in_place in [false, true] {
                    let mut fields = vec![field(&ident, &json, required)];
                    if !in_place {
                        fields.push(field("x", "x", true));
                    }
                    let text = impls(&Wire {
                        name: "Thing",
                        qualified: "contoso.thing",
                        fields: &fields,
                        additional: None,
                        cfg: "",
                    });
                    assert_laid_out(&text, n);
                }
            }
        }
    }

    fn field<'a>(ident: &str, json: &'a str, required: bool) -> WireField<'a> {
        WireField {
            ident: ident.to_string(),
            json,
            required,
        }
    }

    #[test]
    fn every_shape_parses_and_fits() {
        let long = "a_field_name_long_enough_that_the_match_arm_needs_a_block_of_its_own";
        let longer = "a_field_name_so_very_long_that_even_the_block_needs_one_argument_a_line_x";
        let fields = [
            field("id", "id", false),
            field("r#type", "type", true),
            field(
                long,
                "aFieldNameLongEnoughThatTheMatchArmNeedsABlockOfItsOwn",
                false,
            ),
            field(
                longer,
                "aFieldNameSoVeryLongThatEvenTheBlockNeedsOneArgumentALine",
                true,
            ),
        ];
        let named_like_helpers = [
            field("set", "set", false),
            field("required", "required", true),
            field("skip", "skip", false),
        ];
        for (fields, additional, cfg) in [
            (&fields[..], None, ""),
            (
                &fields[..],
                Some("additional_properties"),
                "#[cfg(feature = \"graph\")]\n",
            ),
            (&fields[..1], None, ""),
            (&fields[..1], Some("additional_properties"), ""),
            (&fields[2..3], None, ""),
            (&[][..], None, ""),
            (&[][..], Some("additional_properties"), ""),
            (&named_like_helpers[..], None, ""),
            (&named_like_helpers[..1], Some("additional_properties"), ""),
        ] {
            let text = impls(&Wire {
                name: "Thing",
                qualified: "contoso.thing",
                fields,
                additional,
                cfg,
            });
            assert_laid_out(&text, 72);
        }
    }
}

//! What changes for a user of the generated crate between two APIs
//! ([`graphgen::emit::api::Api`]): each change says what it means in Rust
//! and is classed breaking (code that compiled or worked may not) or
//! additive (nothing that compiled and worked stops).
//!
//! Structs are `#[non_exhaustive]` and `Default`, enums `#[non_exhaustive]`
//! with an `Unrecognized` variant: so a new optional field, a new variant or
//! a new item is additive; a removed or renamed item, a changed type, a
//! change to what `new` takes, a verb or cloud taken away is breaking.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use graphgen::emit::api::{
    Api, FieldApi, OperationApi, ParameterApi, ResourceApi, RootApi, TypeApi, TypeApiKind,
    VariantApi,
};
use graphgen::model::{OperationKind, Selection};

/// Whether a change can break code that uses the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Additive,
    Breaking,
}

/// One change of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub class: Class,
    /// The Rust item (`module::Type`, `module::Type.field`,
    /// `module::Enum::Variant`, a request type) or the resource's URL.
    pub item: String,
    /// What it is in the metadata; empty for a URL.
    pub csdl: String,
    /// What changed, and what that means in Rust.
    pub text: String,
}

/// The most severe class of `changes`; `None` when there is none.
pub fn class(changes: &[Change]) -> Option<Class> {
    changes.iter().map(|c| c.class).max()
}

/// The changes from `old` to `new`: types (with their fields, `new`
/// parameters and variants), then operations, root functions and resource
/// paths.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut out = Out::default();
    types(&mut out, old, new);
    operations(&mut out, old, new);
    roots(&mut out, old, new);
    resources(&mut out, old, new);
    out.0
}

#[derive(Default)]
struct Out(Vec<Change>);

impl Out {
    fn push(&mut self, class: Class, item: &str, csdl: &str, text: String) {
        self.0.push(Change {
            class,
            item: item.to_string(),
            csdl: csdl.to_string(),
            text,
        });
    }

    /// A cloud list that lost or gained members.
    fn clouds(&mut self, item: &str, csdl: &str, old: &[&str], new: &[&str], what: Clouds) {
        let lost: Vec<&str> = old.iter().filter(|c| !new.contains(c)).copied().collect();
        let gained: Vec<&str> = new.iter().filter(|c| !old.contains(c)).copied().collect();
        let (lost_text, gained_text) = match what {
            Clouds::Values => (
                "the metadata of these clouds lacks it now, so values from there do not hold it",
                "the metadata of these clouds has it now",
            ),
            Clouds::Calls => (
                "calls to these clouds are refused before anything is sent",
                "calls to these clouds are allowed now",
            ),
        };
        if !lost.is_empty() {
            self.push(
                Class::Breaking,
                item,
                csdl,
                format!("no longer in {}: {lost_text}", names(&lost)),
            );
        }
        if !gained.is_empty() {
            self.push(
                Class::Additive,
                item,
                csdl,
                format!("now in {}: {gained_text}", names(&gained)),
            );
        }
    }

    fn deprecated(&mut self, item: &str, csdl: &str, old: bool, new: bool) {
        match (old, new) {
            (false, true) => self.push(
                Class::Additive,
                item,
                csdl,
                "deprecated now (Core.Revisions): `#[deprecated]` warns where it is used".into(),
            ),
            (true, false) => self.push(Class::Additive, item, csdl, "no longer deprecated".into()),
            _ => {}
        }
    }
}

/// What the clouds of an item decide.
#[derive(Clone, Copy)]
enum Clouds {
    /// Where values may hold it (types, fields, variants).
    Values,
    /// Where requests may go (operations, paths).
    Calls,
}

/// `` `A`, `B` ``.
fn names(list: &[&str]) -> String {
    list.iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `items` by `key`.
fn index<T>(items: &[T], key: impl Fn(&T) -> String) -> BTreeMap<String, &T> {
    items.iter().map(|i| (key(i), i)).collect()
}

/// The union of two key sets, sorted.
fn keys<'a, T>(old: &BTreeMap<String, &'a T>, new: &BTreeMap<String, &'a T>) -> Vec<String> {
    let all: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    all.into_iter().cloned().collect()
}

fn kind_word(kind: TypeApiKind) -> &'static str {
    match kind {
        TypeApiKind::Enum => "enum",
        TypeApiKind::Flags => "flags enum",
        TypeApiKind::Complex | TypeApiKind::Entity => "struct",
        TypeApiKind::Json => "JSON type alias",
    }
}

fn types(out: &mut Out, old: &Api, new: &Api) {
    let by_name = |t: &TypeApi| t.csdl.clone();
    let (old_by, new_by) = (index(&old.types, by_name), index(&new.types, by_name));
    for key in keys(&old_by, &new_by) {
        match (old_by.get(&key), new_by.get(&key)) {
            (Some(o), None) => {
                let any = match &o.any {
                    Some((any, _)) => format!(", nor does its `{any}`"),
                    None => String::new(),
                };
                out.push(
                    Class::Breaking,
                    &o.rust,
                    &o.csdl,
                    format!(
                        "{} removed: code naming it no longer compiles{any}",
                        kind_word(o.kind)
                    ),
                );
            }
            (None, Some(n)) => {
                let any = match &n.any {
                    Some((any, _)) => format!(", with `{any}` for a value of it or a derived type"),
                    None => String::new(),
                };
                out.push(
                    Class::Additive,
                    &n.rust,
                    &n.csdl,
                    format!("{} added{any}", kind_word(n.kind)),
                );
            }
            (Some(o), Some(n)) => changed_type(out, o, n, [&old_by, &new_by]),
            (None, None) => {}
        }
    }
}

fn changed_type(
    out: &mut Out,
    o: &TypeApi,
    n: &TypeApi,
    [old_by, new_by]: [&BTreeMap<String, &TypeApi>; 2],
) {
    let (item, csdl) = (n.rust.as_str(), n.csdl.as_str());
    if o.rust != n.rust {
        out.push(
            Class::Breaking,
            item,
            csdl,
            format!(
                "renamed from `{}`: code naming the old name no longer compiles",
                o.rust
            ),
        );
    }
    if kind_word(o.kind) != kind_word(n.kind) {
        out.push(
            Class::Breaking,
            item,
            csdl,
            format!("a {} now, was a {}", kind_word(n.kind), kind_word(o.kind)),
        );
    }
    if o.base != n.base {
        let show = |b: &Option<String>| b.as_deref().map_or("none".into(), |b| format!("`{b}`"));
        out.push(
            Class::Breaking,
            item,
            csdl,
            format!(
                "base type {} now, was {}: the inherited fields and the `into_*()` base views follow",
                show(&n.base),
                show(&o.base)
            ),
        );
    }
    match (o.is_open, n.is_open) {
        (true, false) => out.push(
            Class::Breaking,
            item,
            csdl,
            "no longer open: the field `additional_properties` is removed".into(),
        ),
        (false, true) => out.push(
            Class::Additive,
            item,
            csdl,
            "open now: the field `additional_properties` keeps undeclared properties".into(),
        ),
        _ => {}
    }
    any(out, o, n);
    out.clouds(item, csdl, &o.clouds, &n.clouds, Clouds::Values);
    out.deprecated(item, csdl, o.deprecated, n.deprecated);
    fields(out, o, n, [old_by, new_by]);
    let (old_new, new_new) = (o.new_parameters(), n.new_parameters());
    let sorted = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    if old_new != new_new && sorted(&old_new) == sorted(&new_new) {
        out.push(
            Class::Breaking,
            item,
            csdl,
            format!(
                "the parameters of `new` are reordered: `new({})`, was `new({})`",
                new_new.join(", "),
                old_new.join(", ")
            ),
        );
    }
    variants(out, o, n);
}

/// The `Any*` enum of a polymorphic type.
fn any(out: &mut Out, o: &TypeApi, n: &TypeApi) {
    let csdl = n.csdl.as_str();
    match (&o.any, &n.any) {
        (None, Some((any, _))) => out.push(
            Class::Additive,
            any,
            csdl,
            "added: the type has derived types now; fields and parameters declared with it change type (listed apart)".into(),
        ),
        (Some((any, _)), None) => out.push(
            Class::Breaking,
            any,
            csdl,
            "removed: code naming it no longer compiles".into(),
        ),
        (Some((old_any, old_variants)), Some((any, variants))) => {
            if old_any != any {
                out.push(
                    Class::Breaking,
                    any,
                    csdl,
                    format!("renamed from `{old_any}`"),
                );
            }
            for (variant, concrete) in old_variants {
                if !variants.iter().any(|(_, c)| c == concrete) {
                    out.push(
                        Class::Breaking,
                        &format!("{any}::{variant}"),
                        concrete,
                        format!("variant removed: a value of `{concrete}` reads as `Unrecognized`"),
                    );
                }
            }
            for (variant, concrete) in variants {
                if !old_variants.iter().any(|(_, c)| c == concrete) {
                    out.push(
                        Class::Additive,
                        &format!("{any}::{variant}"),
                        concrete,
                        "variant added".into(),
                    );
                }
            }
        }
        (None, None) => {}
    }
}

fn fields(
    out: &mut Out,
    o: &TypeApi,
    n: &TypeApi,
    [old_by, new_by]: [&BTreeMap<String, &TypeApi>; 2],
) {
    let by_name = |f: &FieldApi| f.csdl.clone();
    let (old_fields, new_fields) = (index(&o.fields, by_name), index(&n.fields, by_name));
    // A field a base type that is in both APIs declares is told on the
    // base, once, naming the types that inherit it.
    let here = |f: &FieldApi| {
        f.declared_by == n.csdl
            || !(old_by.contains_key(&f.declared_by) && new_by.contains_key(&f.declared_by))
    };
    for key in keys(&old_fields, &new_fields) {
        let (of, nf) = (old_fields.get(&key), new_fields.get(&key));
        if !of.is_some_and(|f| here(f)) && !nf.is_some_and(|f| here(f)) {
            continue;
        }
        let api = if nf.is_some() { new_by } else { old_by };
        let heirs = heirs(api, &n.csdl, &key);
        let field = |f: &FieldApi| format!("{}.{}", n.rust, f.rust);
        let csdl = format!("{}/{key}", n.csdl);
        match (of, nf) {
            (Some(f), None) => {
                let new = if f.required {
                    format!(", and `new` loses its parameter `{}`", f.rust)
                } else {
                    String::new()
                };
                out.push(
                    Class::Breaking,
                    &field(f),
                    &csdl,
                    format!(
                        "field removed{new}: code reading or setting it no longer compiles{heirs}"
                    ),
                );
            }
            (None, Some(f)) if f.required => out.push(
                Class::Breaking,
                &field(f),
                &csdl,
                format!(
                    "field `{}: {}` added, required: `new` gains the parameter `{}: {}`{heirs}",
                    f.rust, f.ty, f.rust, f.new_type
                ),
            ),
            (None, Some(f)) => out.push(
                Class::Additive,
                &field(f),
                &csdl,
                format!("field `{}: {}` added{heirs}", f.rust, f.ty),
            ),
            (Some(of), Some(nf)) => {
                let item = field(nf);
                if of.rust != nf.rust {
                    out.push(
                        Class::Breaking,
                        &item,
                        &csdl,
                        format!("field renamed from `{}`{heirs}", of.rust),
                    );
                }
                if of.ty != nf.ty {
                    out.push(
                        Class::Breaking,
                        &item,
                        &csdl,
                        format!("field type `{}` now, was `{}`{heirs}", nf.ty, of.ty),
                    );
                }
                match (of.required, nf.required) {
                    (false, true) => out.push(
                        Class::Breaking,
                        &item,
                        &csdl,
                        format!(
                            "required now: `new` gains the parameter `{}: {}`{heirs}",
                            nf.rust, nf.new_type
                        ),
                    ),
                    (true, false) => out.push(
                        Class::Breaking,
                        &item,
                        &csdl,
                        format!(
                            "no longer required: `new` loses the parameter `{}` (set the field instead){heirs}",
                            nf.rust
                        ),
                    ),
                    _ => {}
                }
                // Told once, on the type, when they follow its clouds.
                if of.clouds != o.clouds || nf.clouds != n.clouds {
                    out.clouds(&item, &csdl, &of.clouds, &nf.clouds, Clouds::Values);
                }
                out.deprecated(&item, &csdl, of.deprecated, nf.deprecated);
            }
            (None, None) => {}
        }
    }
}

/// `" (also in `A`, `B`, which inherit it)"`: the other types of `api`
/// that have the field `property` declared by `declaring`.
fn heirs(api: &BTreeMap<String, &TypeApi>, declaring: &str, property: &str) -> String {
    let heirs: Vec<&str> = api
        .values()
        .filter(|t| {
            t.csdl != declaring
                && t.fields
                    .iter()
                    .any(|f| f.csdl == property && f.declared_by == declaring)
        })
        .map(|t| t.rust.as_str())
        .collect();
    match heirs.len() {
        0 => String::new(),
        1..=4 => format!(" (also in {}, which inherit it)", names(&heirs)),
        n => format!(
            " (also in {} and {} more types, which inherit it)",
            names(&heirs[..3]),
            n - 3
        ),
    }
}

/// What a member after `unknownFutureValue` means.
const EVOLVABLE: &str =
    "the service sends it only with `Prefer: include-unknown-enum-members`, else `unknownFutureValue`";

fn variants(out: &mut Out, o: &TypeApi, n: &TypeApi) {
    let by_name = |v: &VariantApi| v.csdl.clone();
    let (old_variants, new_variants) = (index(&o.variants, by_name), index(&n.variants, by_name));
    for key in keys(&old_variants, &new_variants) {
        let csdl = format!("{}/{key}", n.csdl);
        match (old_variants.get(&key), new_variants.get(&key)) {
            (Some(v), None) => out.push(
                Class::Breaking,
                &format!("{}::{}", n.rust, v.rust),
                &csdl,
                format!(
                    "variant removed: code naming it no longer compiles, and a value `{key}` reads as `Unrecognized(\"{key}\")`"
                ),
            ),
            (None, Some(v)) => {
                let mut text = "variant added".to_string();
                if v.after_unknown_future_value {
                    let _ = write!(text, ", declared after `unknownFutureValue`: {EVOLVABLE}");
                }
                out.push(Class::Additive, &format!("{}::{}", n.rust, v.rust), &csdl, text);
            }
            (Some(ov), Some(nv)) => {
                let item = format!("{}::{}", n.rust, nv.rust);
                if ov.rust != nv.rust {
                    out.push(
                        Class::Breaking,
                        &item,
                        &csdl,
                        format!("variant renamed from `{}`", ov.rust),
                    );
                }
                match (ov.after_unknown_future_value, nv.after_unknown_future_value) {
                    (false, true) => out.push(
                        Class::Breaking,
                        &item,
                        &csdl,
                        format!("declared after `unknownFutureValue` now: {EVOLVABLE}"),
                    ),
                    (true, false) => out.push(
                        Class::Additive,
                        &item,
                        &csdl,
                        "no longer after `unknownFutureValue`: the service sends it to every request".into(),
                    ),
                    _ => {}
                }
                if n.kind == TypeApiKind::Flags && ov.value != nv.value {
                    out.push(
                        Class::Breaking,
                        &item,
                        &csdl,
                        format!("flag value {} now, was {}", nv.value, ov.value),
                    );
                }
                if ov.clouds != o.clouds || nv.clouds != n.clouds {
                    out.clouds(&item, &csdl, &ov.clouds, &nv.clouds, Clouds::Values);
                }
                out.deprecated(&item, &csdl, ov.deprecated, nv.deprecated);
            }
            (None, None) => {}
        }
    }
}

/// An operation's identity: its name and binding, and for a function the
/// names of its parameters (overloads differ there).
fn operation_key(o: &OperationApi) -> String {
    let mut key = format!(
        "{} on {}",
        o.csdl,
        o.binding.as_deref().unwrap_or("(unbound)")
    );
    if o.kind == OperationKind::Function {
        let params: Vec<&str> = o.parameters.iter().map(|p| p.csdl.as_str()).collect();
        let _ = write!(key, "({})", params.join(","));
    }
    key
}

fn operations(out: &mut Out, old: &Api, new: &Api) {
    let (old_by, new_by) = (
        index(&old.operations, operation_key),
        index(&new.operations, operation_key),
    );
    for key in keys(&old_by, &new_by) {
        match (old_by.get(&key), new_by.get(&key)) {
            (Some(o), None) => match &o.request {
                Ok((name, url)) => out.push(
                    Class::Breaking,
                    name,
                    &key,
                    format!(
                        "request type removed (was `{} {url}`): code using it no longer compiles",
                        o.method
                    ),
                ),
                Err(_) => out.push(
                    Class::Additive,
                    &o.csdl,
                    &key,
                    "gone from the metadata; it had no request type, so the Rust API does not change".into(),
                ),
            },
            (None, Some(n)) => match &n.request {
                Ok((name, url)) => out.push(
                    Class::Additive,
                    name,
                    &key,
                    format!("request type added: `{} {url}`", n.method),
                ),
                Err(reason) => out.push(
                    Class::Additive,
                    &n.csdl,
                    &key,
                    format!("new in the metadata, no request type (listed in OPERATIONS.md): {reason}"),
                ),
            },
            (Some(o), Some(n)) => changed_operation(out, &key, o, n),
            (None, None) => {}
        }
    }
}

fn changed_operation(out: &mut Out, key: &str, o: &OperationApi, n: &OperationApi) {
    let ((old_name, old_url), (name, url)) = match (&o.request, &n.request) {
        (Ok(old), Ok(new)) => (old, new),
        (Ok((name, _)), Err(reason)) => {
            out.push(
                Class::Breaking,
                name,
                key,
                format!("request type removed: {reason}"),
            );
            return;
        }
        (Err(_), Ok((name, url))) => {
            out.push(
                Class::Additive,
                name,
                key,
                format!("request type added: `{} {url}`", n.method),
            );
            return;
        }
        // Neither has a request type: nothing in Rust to change.
        (Err(_), Err(_)) => return,
    };
    if old_name != name {
        out.push(
            Class::Breaking,
            name,
            key,
            format!("request type renamed from `{old_name}`"),
        );
    }
    if old_url != url {
        let keys = if o.keys != n.keys {
            format!(
                "; `new` takes the keys ({}) now, was ({})",
                n.keys.join(", "),
                o.keys.join(", ")
            )
        } else {
            String::new()
        };
        out.push(
            Class::Breaking,
            name,
            key,
            format!(
                "URL `{} {url}` now, was `{} {old_url}`{keys}",
                n.method, o.method
            ),
        );
    }
    let by_name = |p: &ParameterApi| p.csdl.clone();
    let (old_params, new_params) = (index(&o.parameters, by_name), index(&n.parameters, by_name));
    for param in keys(&old_params, &new_params) {
        let (class, text) = match (old_params.get(&param), new_params.get(&param)) {
            (Some(p), None) => (
                Class::Breaking,
                format!(
                    "parameter `{}` removed{}",
                    p.rust,
                    if p.required { ": `new` loses it" } else { "" }
                ),
            ),
            (None, Some(p)) if p.required => (
                Class::Breaking,
                format!(
                    "parameter `{}: {}` added, required: `new` gains it",
                    p.rust, p.ty
                ),
            ),
            (None, Some(p)) => (
                Class::Additive,
                format!("optional parameter `{}: {}` added", p.rust, p.ty),
            ),
            (Some(op), Some(np)) if op.ty != np.ty || op.rust != np.rust => (
                Class::Breaking,
                format!(
                    "parameter `{}: {}` now, was `{}: {}`",
                    np.rust, np.ty, op.rust, op.ty
                ),
            ),
            (Some(op), Some(np)) if op.required != np.required => (
                Class::Breaking,
                format!(
                    "parameter `{}` {}",
                    np.rust,
                    if np.required {
                        "required now: `new` gains it"
                    } else {
                        "optional now: `new` loses it (set the field instead)"
                    }
                ),
            ),
            _ => continue,
        };
        out.push(class, name, key, text);
    }
    if o.returns != n.returns {
        let show = |r: &Option<String>| r.as_deref().map_or("nothing".into(), |r| format!("`{r}`"));
        out.push(
            Class::Breaking,
            name,
            key,
            format!("answers {} now, was {}", show(&n.returns), show(&o.returns)),
        );
    }
    out.clouds(name, key, &o.clouds, &n.clouds, Clouds::Calls);
    out.deprecated(name, key, o.deprecated, n.deprecated);
}

fn roots(out: &mut Out, old: &Api, new: &Api) {
    let by_path = |r: &RootApi| r.path.clone();
    let (old_by, new_by) = (index(&old.roots, by_path), index(&new.roots, by_path));
    let what = |r: &RootApi| {
        if r.collection {
            format!("the entity set of `{}`", r.value)
        } else {
            format!("the singleton `{}`", r.value)
        }
    };
    for path in keys(&old_by, &new_by) {
        match (old_by.get(&path), new_by.get(&path)) {
            (Some(o), None) => out.push(
                Class::Breaking,
                &format!("{}()", o.rust),
                &path,
                "root function removed: code calling it no longer compiles".into(),
            ),
            (None, Some(n)) => out.push(
                Class::Additive,
                &format!("{}()", n.rust),
                &path,
                format!("root function added, for {}", what(n)),
            ),
            (Some(o), Some(n)) => {
                let item = format!("{}()", n.rust);
                if o.rust != n.rust {
                    out.push(
                        Class::Breaking,
                        &item,
                        &path,
                        format!("root function renamed from `{}()`", o.rust),
                    );
                }
                if o.value != n.value || o.collection != n.collection {
                    out.push(
                        Class::Breaking,
                        &item,
                        &path,
                        format!("{} now, was {}", what(n), what(o)),
                    );
                }
                out.clouds(&item, &path, &o.clouds, &n.clouds, Clouds::Calls);
            }
            (None, None) => {}
        }
    }
}

fn resources(out: &mut Out, old: &Api, new: &Api) {
    let by_path = |r: &ResourceApi| r.path.clone();
    let (old_by, new_by) = (
        index(&old.resources, by_path),
        index(&new.resources, by_path),
    );
    let verbs = |v: &[&str]| {
        v.iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for path in keys(&old_by, &new_by) {
        match (old_by.get(&path), new_by.get(&path)) {
            (Some(_), None) => out.push(
                Class::Breaking,
                &path,
                "",
                "path removed: the root function or navigation method that reached it is gone"
                    .into(),
            ),
            (None, Some(r)) => out.push(
                Class::Additive,
                &path,
                "",
                format!("path added, to `{}`: {}", r.value, verbs(&r.verbs)),
            ),
            (Some(o), Some(n)) => {
                if o.value != n.value || o.collection != n.collection {
                    let what = |r: &ResourceApi| {
                        if r.collection {
                            format!("a collection of `{}`", r.value)
                        } else {
                            format!("`{}`", r.value)
                        }
                    };
                    out.push(
                        Class::Breaking,
                        &path,
                        "",
                        format!("addresses {} now, was {}", what(n), what(o)),
                    );
                }
                let lost: Vec<&str> = o
                    .verbs
                    .iter()
                    .filter(|v| !n.verbs.contains(v))
                    .copied()
                    .collect();
                let gained: Vec<&str> = n
                    .verbs
                    .iter()
                    .filter(|v| !o.verbs.contains(v))
                    .copied()
                    .collect();
                if !lost.is_empty() {
                    out.push(
                        Class::Breaking,
                        &path,
                        "",
                        format!(
                            "no longer allows {}: the path's type has no such method now",
                            verbs(&lost)
                        ),
                    );
                }
                if !gained.is_empty() {
                    out.push(
                        Class::Additive,
                        &path,
                        "",
                        format!("allows {} now", verbs(&gained)),
                    );
                }
                out.clouds(&path, "", &o.clouds, &n.clouds, Clouds::Calls);
            }
            (None, None) => {}
        }
    }
}

/// `**2 breaking changes, 5 additive.**`
pub fn summary(changes: &[Change]) -> String {
    let count = |class| changes.iter().filter(|c| c.class == class).count();
    let (breaking, additive) = (count(Class::Breaking), count(Class::Additive));
    if changes.is_empty() {
        return "No change to the API.".into();
    }
    let count = |n: usize, what: &str| match n {
        0 => format!("no {what} change"),
        1 => format!("1 {what} change"),
        n => format!("{n} {what} changes"),
    };
    let text = format!(
        "{}, {}.",
        count(breaking, "breaking"),
        count(additive, "additive")
    );
    text[..1].to_uppercase() + &text[1..]
}

/// The changes as Markdown lists under `###` headings, breaking first.
pub fn markdown(changes: &[Change]) -> String {
    let mut md = String::new();
    for (class, heading) in [(Class::Breaking, "Breaking"), (Class::Additive, "Additive")] {
        let of_class: Vec<&Change> = changes.iter().filter(|c| c.class == class).collect();
        if of_class.is_empty() {
            continue;
        }
        let _ = writeln!(md, "### {heading} ({})\n", of_class.len());
        for c in of_class {
            let csdl = if c.csdl.is_empty() {
                String::new()
            } else {
                format!(" (`{}`)", c.csdl)
            };
            let _ = writeln!(md, "- `{}`{csdl}: {}.", c.item, c.text);
        }
        md.push('\n');
    }
    md
}

#[derive(clap::Args)]
pub struct Args {
    /// The metadata before: a document (the global cloud's), a folder of
    /// official documents as `metadata slice --from` takes, or a folder of
    /// slices like `metadata/`.
    pub old: PathBuf,
    /// The metadata after, in the same forms.
    pub new: PathBuf,
    /// The namespaces to generate (default: the committed crate's).
    #[arg(long = "namespace")]
    pub namespaces: Vec<String>,
}

pub fn run(args: Args) -> Result<(), String> {
    let selection = Selection::Namespaces(if args.namespaces.is_empty() {
        vec![crate::regen::NAMESPACE.into()]
    } else {
        args.namespaces
    });
    let options = crate::regen::options(crate::regen::FIRST_VERSION);
    let api = |path: &PathBuf| -> Result<Api, String> {
        let documents = crate::api::documents(path)?;
        crate::api::api(&documents, &selection, &options)
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let changes = diff(&api(&args.old)?, &api(&args.new)?);
    println!(
        "## API changes from `{}` to `{}`\n\n{}\n\n{}",
        args.old.display(),
        args.new.display(),
        summary(&changes),
        markdown(&changes)
    );
    Ok(())
}

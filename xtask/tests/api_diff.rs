//! `cargo xtask api-diff` on made-up changes of each kind, read both ways:
//! each change is named, with its class, and nothing else is reported.

use std::collections::BTreeMap;

use graphgen::model::Selection;
use xtask::api::{self, Document};
use xtask::api_diff::{self, Change, Class};

/// A small schema; `{name}` marks what a case changes.
const TEMPLATE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="contoso" Alias="c" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color"><Member Name="red" Value="0" />{green}<Member Name="unknownFutureValue" Value="2" />{late}</EnumType>
      <EnumType Name="perm" IsFlags="true"><Member Name="read" Value="1" /><Member Name="write" Value="{write}" /></EnumType>
      <EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" />{entity_extra}</EntityType>
      <EntityType Name="item" BaseType="c.entity"{open}>
        <Property Name="name" Type="Edm.String" Nullable="{name_nullable}">{name_annotation}</Property>
        <Property Name="size" Type="{size_type}" />
        <Property Name="color" Type="c.color" />
        <Property Name="perm" Type="c.perm" />
        {extra}
        <NavigationProperty Name="parts" Type="Collection(c.part)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="part" BaseType="c.{part_base}" />
      <EntityType Name="node" BaseType="c.entity" />
      {gadget}
      <Action Name="touch" IsBound="true"><Parameter Name="bindingParameter" Type="c.item" />{touch_parameters}{touch_return}</Action>
      {zap}
      <EntityContainer Name="svc">
        <EntitySet Name="items" EntityType="c.item">{items_annotation}</EntitySet>
        {home}
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

const DEFAULTS: [(&str, &str); 15] = [
    ("green", ""),
    ("late", ""),
    ("write", "2"),
    ("entity_extra", ""),
    ("open", ""),
    ("name_nullable", "true"),
    ("name_annotation", ""),
    ("size_type", "Edm.Int32"),
    ("extra", ""),
    ("part_base", "entity"),
    ("gadget", ""),
    ("touch_parameters", ""),
    ("touch_return", ""),
    ("zap", ""),
    ("items_annotation", ""),
];

const GADGET: &str =
    r#"<ComplexType Name="gadget"><Property Name="w" Type="Edm.Int32" /></ComplexType>"#;
const ZAP: &str = r#"<Action Name="zap" IsBound="true"><Parameter Name="bindingParameter" Type="c.item" /></Action>"#;

/// The document with the defaults, `changes` applied.
fn document(changes: &[(&str, &str)]) -> String {
    let mut knobs: BTreeMap<&str, &str> = DEFAULTS.into_iter().collect();
    knobs.insert("home", "");
    for (k, v) in changes {
        assert!(knobs.insert(k, v).is_some(), "unknown knob {k}");
    }
    let mut text = TEMPLATE.to_string();
    for (k, v) in knobs {
        text = text.replace(&format!("{{{k}}}"), v);
    }
    text
}

/// The API of a global and a US Gov document.
fn api_of(global: &[(&str, &str)], usgov: &[(&str, &str)]) -> graphgen::emit::api::Api {
    let documents = [("global", global), ("usgov", usgov)].map(|(cloud, changes)| Document {
        cloud: cloud.into(),
        name: format!("{cloud}.csdl"),
        bytes: document(changes).into_bytes(),
    });
    let options = xtask::regen::options(xtask::regen::FIRST_VERSION);
    api::api(&documents, &Selection::All, &options).unwrap_or_else(|e| panic!("{e}"))
}

/// What a change must be: its class, its item, and a part of its text.
type Expected<'a> = (Class, &'a str, &'a str);

fn assert_changes(changes: &[Change], expected: &[Expected<'_>], case: &str) {
    let shown = || {
        changes
            .iter()
            .map(|c| format!("{:?} `{}`: {}", c.class, c.item, c.text))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(changes.len(), expected.len(), "{case}:\n{}", shown());
    for (class, item, text) in expected {
        assert!(
            changes
                .iter()
                .any(|c| c.class == *class && c.item == *item && c.text.contains(text)),
            "{case}: no {class:?} change of `{item}` saying `{text}` in\n{}",
            shown()
        );
    }
}

/// A change made in both clouds' documents, read forward and backward.
fn case(
    name: &str,
    old: &[(&str, &str)],
    new: &[(&str, &str)],
    forward: &[Expected<'_>],
    backward: &[Expected<'_>],
) {
    let (a, b) = (api_of(old, old), api_of(new, new));
    assert_changes(&api_diff::diff(&a, &b), forward, name);
    assert_changes(
        &api_diff::diff(&b, &a),
        backward,
        &format!("{name}, backward"),
    );
}

use Class::{Additive, Breaking};

#[test]
fn types_are_added_and_removed() {
    case(
        "a struct",
        &[],
        &[("gadget", GADGET)],
        &[(Additive, "contoso::Gadget", "struct added")],
        &[(Breaking, "contoso::Gadget", "struct removed")],
    );
}

#[test]
fn fields_are_added_removed_and_changed() {
    case(
        "an optional field",
        &[],
        &[("extra", r#"<Property Name="note" Type="Edm.String" />"#)],
        &[(
            Additive,
            "contoso::Item.note",
            "field `note: Nullable<String>` added",
        )],
        &[(Breaking, "contoso::Item.note", "field removed")],
    );
    case(
        "a required field",
        &[],
        &[(
            "extra",
            r#"<Property Name="rank" Type="Edm.Int32" Nullable="false" />"#,
        )],
        &[(
            Breaking,
            "contoso::Item.rank",
            "`new` gains the parameter `rank: i32`",
        )],
        &[(
            Breaking,
            "contoso::Item.rank",
            "`new` loses its parameter `rank`",
        )],
    );
    case(
        "a field's type",
        &[],
        &[("size_type", "Edm.Int64")],
        &[(
            Breaking,
            "contoso::Item.size",
            "`Nullable<i64>` now, was `Nullable<i32>`",
        )],
        &[(
            Breaking,
            "contoso::Item.size",
            "`Nullable<i32>` now, was `Nullable<i64>`",
        )],
    );
    case(
        "required or not",
        &[],
        &[("name_nullable", "false")],
        &[(
            Breaking,
            "contoso::Item.name",
            "required now: `new` gains the parameter `name: String`",
        )],
        &[(
            Breaking,
            "contoso::Item.name",
            "no longer required: `new` loses the parameter `name`",
        )],
    );
    case(
        "a field of a base type",
        &[],
        &[(
            "entity_extra",
            r#"<Property Name="tag" Type="Edm.String" />"#,
        )],
        &[(
            Additive,
            "contoso::Entity.tag",
            "(also in `contoso::Item`, `contoso::Node`, `contoso::Part`, which inherit it)",
        )],
        &[(Breaking, "contoso::Entity.tag", "field removed")],
    );
    case(
        "deprecation",
        &[],
        &[(
            "name_annotation",
            r#"<Annotation Term="Org.OData.Core.V1.Revisions"><Collection><Record><PropertyValue Property="Kind"><EnumMember>Org.OData.Core.V1.RevisionKind/Deprecated</EnumMember></PropertyValue></Record></Collection></Annotation>"#,
        )],
        &[(Additive, "contoso::Item.name", "deprecated now")],
        &[(Additive, "contoso::Item.name", "no longer deprecated")],
    );
}

#[test]
fn base_types_openness_and_polymorphism_change() {
    case(
        "a base type",
        &[],
        &[("part_base", "node")],
        &[(
            Breaking,
            "contoso::Part",
            "base type `contoso.node` now, was `contoso.entity`",
        )],
        &[(
            Breaking,
            "contoso::Part",
            "base type `contoso.entity` now, was `contoso.node`",
        )],
    );
    case(
        "openness",
        &[],
        &[("open", r#" OpenType="true""#)],
        &[(Additive, "contoso::Item", "open now")],
        &[(Breaking, "contoso::Item", "no longer open")],
    );
    let with_gadget: &[(&str, &str)] = &[
        ("gadget", GADGET),
        ("extra", r#"<Property Name="gadget" Type="c.gadget" />"#),
    ];
    let derived = format!(r#"{GADGET}<ComplexType Name="bigGadget" BaseType="c.gadget" />"#);
    case(
        "a derived type makes a type polymorphic",
        with_gadget,
        &[
            ("gadget", &derived),
            ("extra", r#"<Property Name="gadget" Type="c.gadget" />"#),
        ],
        &[
            (Additive, "contoso::BigGadget", "struct added"),
            (Additive, "contoso::AnyGadget", "added"),
            (
                Breaking,
                "contoso::Item.gadget",
                "`Nullable<AnyGadget>` now, was `Nullable<Gadget>`",
            ),
        ],
        &[
            (Breaking, "contoso::BigGadget", "struct removed"),
            (Breaking, "contoso::AnyGadget", "removed"),
            (
                Breaking,
                "contoso::Item.gadget",
                "`Nullable<Gadget>` now, was `Nullable<AnyGadget>`",
            ),
        ],
    );
}

#[test]
fn variants_are_added_removed_and_marked() {
    case(
        "a variant",
        &[],
        &[("green", r#"<Member Name="green" Value="1" />"#)],
        &[(Additive, "contoso::Color::Green", "variant added")],
        &[(
            Breaking,
            "contoso::Color::Green",
            "reads as `Unrecognized(\"green\")`",
        )],
    );
    case(
        "a variant after unknownFutureValue",
        &[],
        &[("late", r#"<Member Name="blue" Value="3" />"#)],
        &[(
            Additive,
            "contoso::Color::Blue",
            "declared after `unknownFutureValue`",
        )],
        &[(Breaking, "contoso::Color::Blue", "variant removed")],
    );
    case(
        "a flag's value",
        &[],
        &[("write", "4")],
        &[(Breaking, "contoso::Perm::Write", "flag value 4 now, was 2")],
        &[(Breaking, "contoso::Perm::Write", "flag value 2 now, was 4")],
    );
}

#[test]
fn operations_are_added_removed_and_changed() {
    case(
        "an operation",
        &[],
        &[("zap", ZAP)],
        &[(
            Additive,
            "contoso::Zap",
            "request type added: `POST /items/{item-id}/zap`",
        )],
        &[(Breaking, "contoso::Zap", "request type removed")],
    );
    case(
        "a required parameter",
        &[],
        &[(
            "touch_parameters",
            r#"<Parameter Name="force" Type="Edm.Boolean" Nullable="false" />"#,
        )],
        &[(
            Breaking,
            "contoso::Touch",
            "parameter `force: bool` added, required: `new` gains it",
        )],
        &[(
            Breaking,
            "contoso::Touch",
            "parameter `force` removed: `new` loses it",
        )],
    );
    case(
        "an optional parameter",
        &[],
        &[(
            "touch_parameters",
            r#"<Parameter Name="force" Type="Edm.Boolean" />"#,
        )],
        &[(
            Additive,
            "contoso::Touch",
            "optional parameter `force: bool` added",
        )],
        &[(Breaking, "contoso::Touch", "parameter `force` removed")],
    );
    case(
        "a result",
        &[],
        &[("touch_return", r#"<ReturnType Type="Edm.String" />"#)],
        &[(
            Breaking,
            "contoso::Touch",
            "answers `String` now, was nothing",
        )],
        &[(
            Breaking,
            "contoso::Touch",
            "answers nothing now, was `String`",
        )],
    );
}

#[test]
fn roots_paths_and_verbs_change() {
    case(
        "a singleton",
        &[],
        &[("home", r#"<Singleton Name="home" Type="c.node" />"#)],
        &[
            (Additive, "contoso::home()", "root function added"),
            (Additive, "/home", "path added"),
        ],
        &[
            (Breaking, "contoso::home()", "root function removed"),
            (Breaking, "/home", "path removed"),
        ],
    );
    case(
        "a verb",
        &[],
        &[(
            "items_annotation",
            r#"<Annotation Term="Org.OData.Capabilities.V1.DeleteRestrictions"><Record><PropertyValue Property="Deletable" Bool="false" /></Record></Annotation>"#,
        )],
        &[(Breaking, "/items/{item-id}", "no longer allows `delete`")],
        &[(Additive, "/items/{item-id}", "allows `delete` now")],
    );
}

#[test]
fn clouds_are_lost_and_gained() {
    let both = api_of(
        &[("gadget", GADGET), ("zap", ZAP)],
        &[("gadget", GADGET), ("zap", ZAP)],
    );
    let global_only = api_of(&[("gadget", GADGET), ("zap", ZAP)], &[]);
    assert_changes(
        &api_diff::diff(&both, &global_only),
        &[
            (
                Breaking,
                "contoso::Gadget",
                "no longer in `UsGovL4`, `UsGovL5`",
            ),
            (
                Breaking,
                "contoso::Zap",
                "calls to these clouds are refused",
            ),
        ],
        "clouds lost",
    );
    assert_changes(
        &api_diff::diff(&global_only, &both),
        &[
            (Additive, "contoso::Gadget", "now in `UsGovL4`, `UsGovL5`"),
            (Additive, "contoso::Zap", "now in `UsGovL4`, `UsGovL5`"),
        ],
        "clouds gained",
    );
    // A property some cloud lacks is not required (as `contentCategory`,
    // absent from US Gov): when that cloud catches up, `new` takes it.
    let rank = [(
        "extra",
        r#"<Property Name="rank" Type="Edm.Int32" Nullable="false" />"#,
    )];
    assert_changes(
        &api_diff::diff(&api_of(&rank, &[]), &api_of(&rank, &rank)),
        &[
            (
                Breaking,
                "contoso::Item.rank",
                "required now: `new` gains the parameter `rank: i32`",
            ),
            (
                Additive,
                "contoso::Item.rank",
                "now in `UsGovL4`, `UsGovL5`",
            ),
        ],
        "a cloud catches up",
    );
}

#[test]
fn the_class_of_a_report_is_its_most_severe_change() {
    let a = api_of(&[], &[]);
    let b = api_of(&[("zap", ZAP)], &[("zap", ZAP)]);
    assert_eq!(api_diff::class(&api_diff::diff(&a, &a)), None);
    assert_eq!(api_diff::class(&api_diff::diff(&a, &b)), Some(Additive));
    assert_eq!(api_diff::class(&api_diff::diff(&b, &a)), Some(Breaking));
    let report = api_diff::markdown(&api_diff::diff(&b, &a));
    assert!(
        report.starts_with("### Breaking (1)\n\n- `contoso::Zap`"),
        "{report}"
    );
}

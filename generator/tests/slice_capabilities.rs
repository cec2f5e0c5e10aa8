//! Capabilities annotations a slice borrows from another document, on
//! small documents: which targets, which terms, in what form.

use graphgen::csdl::ast::{Document, SchemaItem};
use graphgen::csdl::write::{write_with_notes, Note};
use graphgen::csdl::{parse, write};
use graphgen::slice::{borrow_capabilities, render, slice, Borrowed, Source};

const CAP: &str = "Org.OData.Capabilities.V1";

fn edmx(schemas: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices>{schemas}</edmx:DataServices></edmx:Edmx>"
    )
}

fn record(term: &str, property: &str, value: &str) -> String {
    format!(
        "<Annotation Term=\"{CAP}.{term}\"><Record><PropertyValue Property=\"{property}\" {value} /></Record></Annotation>"
    )
}

/// The document a slice is cut from: it annotates `root` (inline) with
/// UpdateRestrictions and `thing/parts` (out of line) with
/// DeleteRestrictions, and has no `thing/extra`.
fn cloud() -> Document {
    let text = edmx(&format!(
        r#"<Schema Namespace="base" Alias="b" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
<EntityContainer Name="Service">
<EntitySet Name="things" EntityType="c.thing" />
<Singleton Name="root" Type="c.root">{update}</Singleton>
</EntityContainer>
</Schema>
<Schema Namespace="c" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="root"><NavigationProperty Name="things" Type="Collection(c.thing)" ContainsTarget="true" /></EntityType>
<EntityType Name="thing" BaseType="b.entity"><Property Name="name" Type="Edm.String" /><NavigationProperty Name="parts" Type="Collection(c.thing)" ContainsTarget="true" /></EntityType>
<Annotations Target="c.thing/parts">{delete}</Annotations>
</Schema>"#,
        update = record("UpdateRestrictions", "Updatable", "Bool=\"true\""),
        delete = record("DeleteRestrictions", "Deletable", "Bool=\"true\""),
    ));
    parse("cloud.csdl", text.as_bytes()).unwrap()
}

/// The document annotations are borrowed from, with another alias.
fn clean() -> Document {
    let text = edmx(&format!(
        r#"<Schema Namespace="base" Alias="g" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
<EntityContainer Name="Service">
<EntitySet Name="things" EntityType="c.thing"><Annotation Term="{CAP}.SkipSupported" Bool="false" /></EntitySet>
<Singleton Name="root" Type="c.root">{not_updatable}</Singleton>
<EntitySet Name="others" EntityType="c.other">{unreadable}</EntitySet>
</EntityContainer>
<Annotations Target="g.Service/root">{undeletable}</Annotations>
</Schema>
<Schema Namespace="c" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="root"><NavigationProperty Name="things" Type="Collection(c.thing)" ContainsTarget="true">{referenceable}</NavigationProperty></EntityType>
<EntityType Name="thing" BaseType="g.entity"><Property Name="name" Type="Edm.String" /><NavigationProperty Name="parts" Type="Collection(c.thing)" ContainsTarget="true" /><NavigationProperty Name="extra" Type="c.thing" /></EntityType>
<EntityType Name="other" BaseType="g.entity" />
<Annotations Target="c.thing/parts">{undeletable}<Annotation Term="{CAP}.UpdateRestrictions"><Record><PropertyValue Property="UpdateMethod"><EnumMember>{CAP}.HttpMethod/PUT</EnumMember></PropertyValue></Record></Annotation><Annotation Term="Org.OData.Core.V1.Description" String="Not a capability." /></Annotations>
<Annotations Target="c.thing/extra">{uninsertable}</Annotations>
<Annotations Target="c.thing/name" Qualifier="q"><Annotation Term="{CAP}.SelectSupport"><Record><PropertyValue Property="Supported" Bool="false" /></Record></Annotation></Annotations>
<Annotations Target="c.thing">{unfilterable}</Annotations>
</Schema>"#,
        not_updatable = record("UpdateRestrictions", "Updatable", "Bool=\"false\""),
        unreadable = record("ReadRestrictions", "Readable", "Bool=\"false\""),
        undeletable = record("DeleteRestrictions", "Deletable", "Bool=\"false\""),
        referenceable = record("NavigationRestrictions", "Referenceable", "Bool=\"true\""),
        uninsertable = record("InsertRestrictions", "Insertable", "Bool=\"false\""),
        unfilterable = record("FilterRestrictions", "Filterable", "Bool=\"false\""),
    ));
    parse("clean.xml", text.as_bytes()).unwrap()
}

/// (target, term without the vocabulary, qualifier) of each added annotation.
fn added(s: &Document, b: Borrowed) -> Vec<(String, String, Option<String>)> {
    s.schemas[b.schema].items[b.first..]
        .iter()
        .flat_map(|i| match i {
            SchemaItem::Annotations(a) => a
                .annotations
                .iter()
                .map(|x| {
                    (
                        a.target.clone(),
                        x.term.trim_start_matches(&format!("{CAP}.")).to_string(),
                        x.qualifier.clone(),
                    )
                })
                .collect::<Vec<_>>(),
            other => panic!("not an Annotations block: {other:?}"),
        })
        .collect()
}

#[test]
fn declared_targets_get_the_terms_their_document_lacks() {
    let mut s = slice(&cloud(), "c").unwrap();
    let b = borrow_capabilities(&mut s, &clean(), "c").expect("something to add");
    let t = |target: &str, term: &str| (target.to_string(), term.to_string(), None);
    assert_eq!(
        added(&s, b),
        [
            // Inline on an entity set, and an aliased target: written out
            // of line, with the full namespace.
            t("base.Service/things", "SkipSupported"),
            t("base.Service/root", "DeleteRestrictions"),
            // Inline on a navigation property.
            t("c.root/things", "NavigationRestrictions"),
            // The cloud's own DeleteRestrictions on `thing/parts` wins; the
            // description is no capability.
            t("c.thing/parts", "UpdateRestrictions"),
            // A qualified block's qualifier goes with its annotations.
            (
                "c.thing/name".to_string(),
                "SelectSupport".to_string(),
                Some("q".to_string())
            ),
            t("c.thing", "FilterRestrictions"),
        ]
    );
    // `root`'s own UpdateRestrictions wins; `others` and `thing/extra` are
    // not in the slice.
    assert_eq!((b.blocks, b.annotations), (6, 6));
    assert_eq!(s.schemas[b.schema].namespace, "c");
    assert_eq!(
        b.first, 3,
        "after the schema's own items: two types, one block"
    );
}

#[test]
fn a_slice_with_what_it_borrowed_is_its_own_slice_and_borrows_nothing_more() {
    let mut s = slice(&cloud(), "c").unwrap();
    let b = borrow_capabilities(&mut s, &clean(), "c").unwrap();
    let text = render(
        &s,
        "c",
        Source {
            name: "cloud.csdl",
            sha256: "abc",
        },
        Some((
            b,
            Source {
                name: "clean.xml",
                sha256: "def",
            },
        )),
    );
    assert!(text.contains(
        "<!-- With 6 Capabilities annotations from clean.xml (sha256 def) that cloud.csdl lacks. -->"
    ));
    let note = "      <!-- From clean.xml: Capabilities annotations cloud.csdl does not have for these targets. -->\n      <Annotations Target=\"base.Service/things\">";
    assert!(text.contains(note), "{text}");
    let back = parse("slice.csdl", text.as_bytes()).unwrap();
    assert_eq!(write(&back), write(&s));
    let mut again = slice(&back, "c").unwrap();
    assert_eq!(write(&again), write(&s));
    assert_eq!(borrow_capabilities(&mut again, &clean(), "c"), None);
}

#[test]
fn a_slice_without_the_namespace_borrows_nothing() {
    let mut s = slice(&cloud(), "absent").unwrap();
    assert_eq!(borrow_capabilities(&mut s, &clean(), "absent"), None);
    assert!(s.schemas.is_empty());
}

#[test]
fn notes_are_comments_that_change_nothing_read_back() {
    let d = cloud();
    let text = write_with_notes(
        &d,
        &[Note {
            schema: 1,
            item: 1,
            text: "a--b---c-",
        }],
    );
    assert!(
        text.contains("      <!-- a- -b- - -c- -->\n      <EntityType Name=\"thing\""),
        "{text}"
    );
    assert_eq!(write(&parse("noted", text.as_bytes()).unwrap()), write(&d));
}

//! Capabilities, roots and resources in the model, and evolvable enums, on
//! small documents.

use graphgen::csdl::ast::Document;
use graphgen::model::{
    self, Decided, Input, Model, Navigability, QName, Resource, Selection, TypeKind, UpdateMethod,
    Verb, Via,
};

const CAP: &str = "Org.OData.Capabilities.V1";

fn record(term: &str, property: &str, value: &str) -> String {
    format!(
        "<Annotation Term=\"{CAP}.{term}\"><Record><PropertyValue Property=\"{property}\" {value} /></Record></Annotation>"
    )
}

fn navigability(member: &str) -> String {
    format!(
        "<Annotation Term=\"{CAP}.NavigationRestrictions\"><Record><PropertyValue Property=\"Navigability\"><EnumMember>{CAP}.NavigationType/{member}</EnumMember></PropertyValue></Record></Annotation>"
    )
}

/// Drives holding folders holding folders (a cycle through containment)
/// and files, users with notes, references that are not contained.
fn drives() -> String {
    format!(
        r#"<Schema Namespace="ns" Alias="n" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
<EntityType Name="drive" BaseType="n.entity">
<NavigationProperty Name="root" Type="n.folder" ContainsTarget="true" />
<NavigationProperty Name="owner" Type="n.user" />
<NavigationProperty Name="archive" Type="Collection(n.box)" ContainsTarget="true">{single}</NavigationProperty>
</EntityType>
<EntityType Name="folder" BaseType="n.entity">
<NavigationProperty Name="children" Type="Collection(n.folder)" ContainsTarget="true"><Annotation Term="{CAP}.UpdateRestrictions"><Record><PropertyValue Property="UpdateMethod"><EnumMember>{CAP}.HttpMethod/PUT</EnumMember></PropertyValue></Record></Annotation></NavigationProperty>
<NavigationProperty Name="files" Type="Collection(n.file)" ContainsTarget="true" />
<NavigationProperty Name="hidden" Type="Collection(n.file)" ContainsTarget="true" />
</EntityType>
<EntityType Name="file" BaseType="n.entity"><NavigationProperty Name="versions" Type="Collection(n.file)" ContainsTarget="true" /></EntityType>
<EntityType Name="box" BaseType="n.entity"><NavigationProperty Name="crates" Type="Collection(n.crate)" ContainsTarget="true" /></EntityType>
<EntityType Name="crate" BaseType="n.entity"><NavigationProperty Name="slots" Type="Collection(n.file)" ContainsTarget="true" /></EntityType>
<EntityType Name="user" BaseType="n.entity">
<NavigationProperty Name="notes" Type="Collection(n.file)" ContainsTarget="true" />
<NavigationProperty Name="manager" Type="n.user" />
</EntityType>
<EntityContainer Name="Service">
<EntitySet Name="drives" EntityType="n.drive">{uninsertable}</EntitySet>
<EntitySet Name="users" EntityType="n.user"><Annotation Term="Org.OData.Core.V1.Description" String="The people." /></EntitySet>
<Singleton Name="me" Type="n.user" />
</EntityContainer>
<Annotations Target="n.Service/drives">{undeletable}<Annotation Term="{CAP}.TopSupported" /><Annotation Term="{CAP}.SkipSupported" Bool="false" />{unfilterable}</Annotations>
<Annotations Target="n.folder/hidden">{none}</Annotations>
<Annotations Target="n.drive/owner">{referenceable}{updatable}</Annotations>
</Schema>"#,
        single = navigability("Single"),
        none = navigability("None"),
        uninsertable = record("InsertRestrictions", "Insertable", "Bool=\"false\""),
        undeletable = record("DeleteRestrictions", "Deletable", "Bool=\"false\""),
        unfilterable = record("FilterRestrictions", "Filterable", "Bool=\"false\""),
        referenceable = record("NavigationRestrictions", "Referenceable", "Bool=\"true\""),
        updatable = record("UpdateRestrictions", "Updatable", "Bool=\"true\""),
    )
}

/// A document of `schemas`, in its envelope.
fn doc(source: &str, schemas: &str) -> Document {
    let edmx = format!(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices>{schemas}</edmx:DataServices></edmx:Edmx>"
    );
    graphgen::csdl::parse(source, edmx.as_bytes()).unwrap()
}

fn build(docs: &[(&str, &Document)], ns: &str) -> Model {
    let inputs: Vec<Input<'_>> = docs
        .iter()
        .map(|(cloud, d)| Input { cloud, document: d })
        .collect();
    model::build(&inputs, &Selection::Namespaces(vec![ns.into()])).unwrap()
}

fn drives_model() -> Model {
    let d = doc("drives.csdl", &drives());
    build(&[("global", &d)], "ns")
}

fn by(text: &str) -> Option<String> {
    Some(text.to_string())
}

/// A resource as a line: its path and its allowed methods.
fn line(r: &Resource) -> String {
    let allowed: Vec<String> = r
        .methods
        .iter()
        .filter(|m| m.allowed.value)
        .map(|m| format!("{:?}", m.verb))
        .collect();
    format!("{} {}", r.path, allowed.join(" "))
}

fn resource<'m>(m: &'m Model, path: &str) -> &'m Resource {
    m.resources
        .iter()
        .find(|r| r.path.to_string() == path)
        .unwrap_or_else(|| panic!("no resource {path}"))
}

fn method(r: &Resource, verb: Verb) -> &Decided<bool> {
    &r.methods
        .iter()
        .find(|m| m.verb == verb)
        .unwrap_or_else(|| panic!("{} has no {verb:?}", r.path))
        .allowed
}

fn navigation<'m>(m: &'m Model, ty: &str, name: &str) -> &'m model::Navigation {
    let id = m.type_id(&QName::new("ns", ty)).unwrap();
    m.structure(id)
        .unwrap()
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.navigation.as_ref())
        .unwrap()
}

#[test]
fn capabilities_come_from_inline_and_out_of_line_annotations() {
    let m = drives_model();
    let drives = &m.roots[0];
    assert_eq!(drives.name, "drives");
    let c = &drives.capabilities;
    // Inline on the entity set.
    assert_eq!(
        c.insert,
        Decided {
            value: false,
            by: by("InsertRestrictions/Insertable on ns.Service/drives")
        }
    );
    // Out of line, the target written with the alias.
    assert_eq!(
        c.delete,
        Decided {
            value: false,
            by: by("DeleteRestrictions/Deletable on ns.Service/drives")
        }
    );
    assert!(!c.query.filter.value);
    // A tag without a value is true, and says so.
    assert_eq!(
        c.query.top,
        Decided {
            value: true,
            by: by("TopSupported on ns.Service/drives")
        }
    );
    assert_eq!(
        c.query.skip,
        Decided {
            value: false,
            by: by("SkipSupported on ns.Service/drives")
        }
    );
    // Inline on a navigation property: PUT, while updating stays the default.
    let children = &navigation(&m, "folder", "children").resolved;
    assert_eq!(
        children.update_method,
        Decided {
            value: UpdateMethod::Put,
            by: by("UpdateRestrictions/UpdateMethod on ns.folder/children")
        }
    );
    assert_eq!(children.update.by, None);
    // Out of line on a navigation property.
    let hidden = &navigation(&m, "folder", "hidden").resolved;
    assert_eq!(
        hidden.navigability,
        Decided {
            value: Navigability::None,
            by: by("NavigationRestrictions/Navigability on ns.folder/hidden")
        }
    );
    let owner = navigation(&m, "drive", "owner");
    assert!(owner.resolved.referenceable.value);
    assert!(owner.resolved.update.value);
    // What the emitter's docs read today says the same.
    assert_eq!(owner.capabilities.updatable, Some(true));
    assert_eq!(owner.capabilities.deletable, None);
}

#[test]
fn without_annotations_the_defaults_depend_on_containment() {
    let m = drives_model();
    // Contained: the service's own entities, written there.
    let files = &navigation(&m, "folder", "files").resolved;
    for d in [&files.read, &files.insert, &files.update, &files.delete] {
        assert_eq!(
            d,
            &Decided {
                value: true,
                by: None
            }
        );
    }
    assert_eq!(files.update_method.value, UpdateMethod::Patch);
    assert_eq!(files.navigability.value, Navigability::Recursive);
    assert!(!files.referenceable.value);
    let q = &files.query;
    for d in [
        &q.filter, &q.select, &q.expand, &q.sort, &q.top, &q.skip, &q.count, &q.search,
    ] {
        assert_eq!(
            d,
            &Decided {
                value: true,
                by: None
            }
        );
    }
    // Not contained: read, nothing written through it, no references.
    let manager = &navigation(&m, "user", "manager").resolved;
    assert_eq!(
        manager.read,
        Decided {
            value: true,
            by: None
        }
    );
    for d in [
        &manager.insert,
        &manager.update,
        &manager.delete,
        &manager.referenceable,
    ] {
        assert_eq!(
            d,
            &Decided {
                value: false,
                by: None
            }
        );
    }
    // A singleton with no annotation.
    let me = m.roots.iter().find(|r| r.name == "me").unwrap();
    assert_eq!(
        me.capabilities.update,
        Decided {
            value: true,
            by: None
        }
    );
}

#[test]
fn roots_are_every_set_and_singleton_with_their_clouds() {
    let global = doc("global.csdl", &drives());
    // The US cloud has no `users` and no `drive/owner`.
    let usgov = doc(
        "usgov.csdl",
        &drives()
            .replace(
                r#"<EntitySet Name="users" EntityType="n.user"><Annotation Term="Org.OData.Core.V1.Description" String="The people." /></EntitySet>"#,
                "",
            )
            .replace(r#"<NavigationProperty Name="owner" Type="n.user" />"#, ""),
    );
    let m = build(&[("global", &global), ("usgov", &usgov)], "ns");
    let roots: Vec<(&str, &str, bool, bool, Vec<String>)> = m
        .roots
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                m.ty(r.entity).name.name.as_str(),
                r.collection,
                r.canonical,
                r.availability.0.clone(),
            )
        })
        .collect();
    let both = || vec!["global".to_string(), "usgov".to_string()];
    assert_eq!(
        roots,
        [
            ("drives", "drive", true, true, both()),
            ("users", "user", true, true, vec!["global".to_string()]),
            // `me` is one of the users: no URLs start there.
            ("me", "user", false, false, both()),
        ]
    );
    assert_eq!(m.roots[1].doc.description.as_deref(), Some("The people."));
    let clouds = |path: &str| resource(&m, path).availability.0.clone();
    assert_eq!(clouds("/drives/{drive-id}/root/files"), both());
    assert_eq!(clouds("/drives/{drive-id}/owner"), ["global"]);
    assert_eq!(clouds("/users/{user-id}/notes"), ["global"]);
    // A navigation property's own clouds.
    let owner = m
        .all_properties(m.type_id(&QName::new("ns", "drive")).unwrap())
        .into_iter()
        .find(|p| p.name == "owner")
        .unwrap();
    assert_eq!(owner.availability.0, ["global"]);
}

#[test]
fn resources_are_each_navigation_once_at_its_shortest_path() {
    let m = drives_model();
    let lines: Vec<String> = m.resources.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            "/drives List",
            "/drives/{drive-id} Get Patch",
            "/users List Create",
            "/users/{user-id} Get Patch Delete",
            "/drives/{drive-id}/root Get Patch Delete",
            // Not contained: one step, its own methods; `owner` is
            // annotated referenceable and updatable.
            "/drives/{drive-id}/owner Get Patch SetRef RemoveRef",
            "/drives/{drive-id}/archive List Create",
            "/drives/{drive-id}/archive/{box-id} Get Patch Delete",
            "/users/{user-id}/notes List Create",
            "/users/{user-id}/notes/{file-id} Get Patch Delete",
            "/users/{user-id}/manager Get",
            // The cycle `children` is taken once; PUT updates.
            "/drives/{drive-id}/root/children List Create",
            "/drives/{drive-id}/root/children/{folder-id} Get Put Delete",
            "/drives/{drive-id}/root/files List Create",
            "/drives/{drive-id}/root/files/{file-id} Get Patch Delete",
            // Below `archive` (Navigability Single): one level, no `slots`.
            "/drives/{drive-id}/archive/{box-id}/crates List Create",
            "/drives/{drive-id}/archive/{box-id}/crates/{crate-id} Get Patch Delete",
            // `file/versions` at its shortest path: through `users`, not
            // `drives/.../files`.
            "/users/{user-id}/notes/{file-id}/versions List Create",
            "/users/{user-id}/notes/{file-id}/versions/{file-id} Get Patch Delete",
        ]
    );
    // `hidden` (Navigability None) is left out; `me` starts nothing.
    assert!(!lines
        .iter()
        .any(|l| l.contains("hidden") || l.starts_with("/me")));
}

#[test]
fn each_resource_says_how_it_is_reached_and_what_decided_its_methods() {
    let m = drives_model();
    let drive = m.type_id(&QName::new("ns", "drive")).unwrap();
    let folder = m.type_id(&QName::new("ns", "folder")).unwrap();
    let owner = resource(&m, "/drives/{drive-id}/owner");
    assert_eq!(
        owner.via,
        Via::Navigation {
            owner: drive,
            property: "owner".into(),
            contained: false
        }
    );
    assert!(!owner.collection);
    assert_eq!(
        method(owner, Verb::SetRef).by,
        by("NavigationRestrictions/Referenceable on ns.drive/owner")
    );
    assert_eq!(
        method(owner, Verb::Patch).by,
        by("UpdateRestrictions/Updatable on ns.drive/owner")
    );
    assert_eq!(
        method(owner, Verb::Delete),
        &Decided {
            value: false,
            by: None
        }
    );
    let child = resource(&m, "/drives/{drive-id}/root/children/{folder-id}");
    assert_eq!(child.entity, folder);
    assert_eq!(
        child.via,
        Via::Navigation {
            owner: folder,
            property: "children".into(),
            contained: true
        }
    );
    assert_eq!(
        method(child, Verb::Put),
        &Decided {
            value: true,
            by: by("UpdateRestrictions/UpdateMethod on ns.folder/children")
        }
    );
    assert!(child.methods.iter().all(|m| m.verb != Verb::Patch));
    let drives = resource(&m, "/drives");
    assert!(drives.collection);
    // The query options of the root it is reached by.
    assert_eq!(
        drives.capabilities.query.filter.by,
        by("FilterRestrictions/Filterable on ns.Service/drives")
    );
    assert_eq!(drives.via, Via::Root("drives".into()));
    assert_eq!(
        method(drives, Verb::Create).by,
        by("InsertRestrictions/Insertable on ns.Service/drives")
    );
    assert_eq!(Verb::SetRef.http_method(), "PUT");
    assert_eq!(Verb::List.http_method(), "GET");
}

#[test]
fn a_root_whose_navigability_is_none_leads_nowhere() {
    let text = drives().replace(
        r#"<EntitySet Name="users" EntityType="n.user"><Annotation"#,
        &format!(
            r#"<EntitySet Name="users" EntityType="n.user">{}<Annotation"#,
            navigability("None")
        ),
    );
    let m = build(&[("global", &doc("none.csdl", &text))], "ns");
    let lines: Vec<String> = m.resources.iter().map(line).collect();
    assert!(lines.contains(&"/users/{user-id} Get Patch Delete".to_string()));
    assert!(
        !lines.iter().any(|l| l.starts_with("/users/{user-id}/")),
        "{lines:?}"
    );
    // `file/versions` is then reached through the drives.
    assert!(
        lines.contains(&"/drives/{drive-id}/root/files/{file-id}/versions List Create".to_string()),
        "{lines:?}"
    );
}

const EVOLVABLE: &str = r#"<Schema Namespace="ev" Alias="e" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EnumType Name="color"><Member Name="red" Value="0" /><Member Name="unknownFutureValue" Value="1" /><Member Name="teal" Value="2" /></EnumType>
<EnumType Name="plain"><Member Name="a" Value="0" /><Member Name="unknownFutureValue" Value="1" /></EnumType>
<ComplexType Name="paint"><Property Name="colors" Type="Collection(e.color)" /></ComplexType>
<ComplexType Name="roundPaint" BaseType="e.paint" />
<ComplexType Name="shape"><Property Name="kind" Type="e.plain" /></ComplexType>
<ComplexType Name="square" BaseType="e.shape"><Property Name="fill" Type="e.paint" /></ComplexType>
<ComplexType Name="canvas"><Property Name="shapes" Type="Collection(e.shape)" /></ComplexType>
<ComplexType Name="flat"><Property Name="kind" Type="e.plain" /></ComplexType>
<EntityType Name="thing"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /><NavigationProperty Name="paint" Type="e.thingWithPaint" /></EntityType>
<EntityType Name="thingWithPaint"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /><Property Name="paint" Type="e.paint" /></EntityType>
</Schema>"#;

#[test]
fn evolvable_members_and_the_types_that_can_hold_them() {
    let m = build(&[("global", &doc("ev.csdl", EVOLVABLE))], "ev");
    let ty = |name: &str| m.ty(m.type_id(&QName::new("ev", name)).unwrap());
    let TypeKind::Enum(color) = &ty("color").kind else {
        panic!()
    };
    let after: Vec<(&str, bool)> = color
        .members
        .iter()
        .map(|m| (m.name.as_str(), m.after_unknown_future_value))
        .collect();
    assert_eq!(
        after,
        [
            ("red", false),
            ("unknownFutureValue", false),
            ("teal", true)
        ]
    );
    let evolvable: Vec<&str> = m
        .types
        .iter()
        .filter(|t| t.evolvable)
        .map(|t| t.name.name.as_str())
        .collect();
    // A collection of the enum (`paint`), inherited (`roundPaint`), a
    // property's type (`square`, `thingWithPaint`), a derived type
    // (`shape`, through `square`), a collection of such a base (`canvas`).
    // Not `plain` (nothing after unknownFutureValue), `flat`, nor `thing`,
    // whose only way to paint is a navigation property.
    assert_eq!(
        evolvable,
        [
            "canvas",
            "color",
            "paint",
            "roundPaint",
            "shape",
            "square",
            "thingWithPaint"
        ]
    );
}

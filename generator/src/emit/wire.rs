//! `Serialize` and `Deserialize` of generated structs, written out rather
//! than derived.
//!
//! serde's derives also read structs from sequences, match member names as
//! integers and bytes, track duplicates and count skipped fields twice; none
//! of it serves JSON objects, and over the ~22,000 fields of the whole Graph
//! it was the largest part of `cargo check`. Written out, a field costs a
//! local, a match arm and a line of serialization.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// One member of the JSON object.
pub struct WireField<'a> {
    pub ident: Ident,
    /// The member name on the wire.
    pub json: &'a str,
    /// A required field is its plain type; an optional one is `Option<_>`,
    /// left out when `None`.
    pub required: bool,
}

/// `impl Serialize`, `impl Object` and `impl Deserialize` for the struct
/// `name` of the OData type `qualified`. With `additional`, members the type
/// does not declare are kept in that map field and written back after the
/// declared ones.
pub fn impls(
    name: &Ident,
    qualified: &str,
    fields: &[WireField<'_>],
    additional: Option<&Ident>,
    cfg: &TokenStream,
) -> TokenStream {
    let writes = fields.iter().map(|f| {
        let (ident, json) = (&f.ident, f.json);
        if f.required {
            quote!(map.serialize_entry(#json, &self.#ident)?;)
        } else {
            quote!(if let Some(value) = &self.#ident { map.serialize_entry(#json, value)?; })
        }
    });
    let write_additional = additional.map(|a| {
        quote! {
            for (key, value) in &self.#a {
                map.serialize_entry(key, value)?;
            }
        }
    });
    // `map` is unused in a struct with no members at all.
    let map_binding = if fields.is_empty() && additional.is_none() {
        quote!(map)
    } else {
        quote!(mut map)
    };

    let locals = fields.iter().map(|f| {
        let ident = &f.ident;
        quote!(let mut #ident = None;)
    });
    // The locals are named after the fields; the map and the key get names
    // no field can have.
    let arms = fields.iter().map(|f| {
        let (ident, json) = (&f.ident, f.json);
        if f.required {
            quote!(#json => #ident = Some(__map.next_value()?),)
        } else {
            quote!(#json => #ident = __map.next_value()?,)
        }
    });
    let other = match additional {
        Some(a) => quote!(#a.insert(__key.into_string(), __map.next_value()?);),
        None => quote!(graphgen_runtime::object::skip(&mut __map)?;),
    };
    let member = if fields.is_empty() {
        other
    } else {
        quote! {
            match __key.as_str() {
                #(#arms)*
                _ => { #other }
            }
        }
    };
    let additional_local = additional.map(|a| quote!(let mut #a = serde_json::Map::new();));
    let inits = fields.iter().map(|f| {
        let (ident, json) = (&f.ident, f.json);
        if f.required {
            quote!(#ident: graphgen_runtime::object::required(#ident, #json)?,)
        } else {
            quote!(#ident,)
        }
    });
    let additional_init = additional.map(|a| quote!(#a,));

    quote! {
        #cfg
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let #map_binding = serializer.serialize_map(None)?;
                #(#writes)*
                #write_additional
                map.end()
            }
        }

        #cfg
        impl graphgen_runtime::object::Object for #name {
            const NAME: &'static str = #qualified;

            fn read<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
                #(#locals)*
                #additional_local
                while let Some(__key) = __map.next_key::<graphgen_runtime::object::Key<'de>>()? {
                    #member
                }
                Ok(Self {
                    #(#inits)*
                    #additional_init
                })
            }
        }

        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                graphgen_runtime::object::deserialize(deserializer)
            }
        }
    }
}

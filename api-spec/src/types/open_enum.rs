//! `open_enum!`: string enums that keep values this crate does not know yet.

/// Declares a string enum with an extra `Unknown(String)` arm, so a value SenjaroPay adds
/// later decodes instead of failing, and writes back exactly as received. Known values are
/// matched ignoring ASCII case, defensively: the docs show `COMPLETED`, and SenjaroPay's other
/// products have been seen answering in other cases. Each known variant
/// names its wire string and, optionally, aliases that read as the same variant.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// The value as written on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other,
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            /// Known values match whatever their letter case (`completed` reads as `COMPLETED`);
            /// anything else is kept verbatim.
            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                $(
                    if text.eq_ignore_ascii_case($wire) $(|| text.eq_ignore_ascii_case($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                Ok($name::Unknown(text.to_owned()))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                let Ok(value) = text.parse();
                Ok(value)
            }
        }
    };
}

pub(crate) use open_enum;

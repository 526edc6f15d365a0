//! The generator's golden files, compiled.
//!
//! Each module includes one file of `codegen/tests/golden/`, so a golden that does not
//! compile, or compiles with a warning, fails this crate's build. The golden test in
//! `sfmc-codegen` checks that every golden has a module here.

#![deny(warnings)]

pub mod plain_struct {
    include!("../../../codegen/tests/golden/plain_struct.rs");
}

pub mod inheritance {
    include!("../../../codegen/tests/golden/inheritance.rs");
}

pub mod polymorphic {
    include!("../../../codegen/tests/golden/polymorphic.rs");
}

pub mod nillable {
    include!("../../../codegen/tests/golden/nillable.rs");
}

pub mod enumeration {
    include!("../../../codegen/tests/golden/enumeration.rs");
}

pub mod choice {
    include!("../../../codegen/tests/golden/choice.rs");
}

pub mod anonymous {
    include!("../../../codegen/tests/golden/anonymous.rs");
}

pub mod recursive {
    include!("../../../codegen/tests/golden/recursive.rs");
}

pub mod builtins {
    include!("../../../codegen/tests/golden/builtins.rs");
}

pub mod naming {
    include!("../../../codegen/tests/golden/naming.rs");
}

pub mod message {
    include!("../../../codegen/tests/golden/message.rs");
}

pub mod wsdl_operations {
    include!("../../../codegen/tests/golden/wsdl_operations.rs");
}

pub mod recursive_choice {
    include!("../../../codegen/tests/golden/recursive_choice.rs");
}

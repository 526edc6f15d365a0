//! Generator benchmarks: the whole run from the late-2020 partnerAPI WSDL to formatted Rust,
//! and the part of it that reads the WSDL and XSD and resolves them into the intermediate
//! representation. The difference between the two is emitting and formatting.
//!
//! Run with `cargo bench -p sfmc-tests --bench generate`. Benchmarks build with the `bench`
//! profile, which is optimized. Cargo builds build scripts and their dependencies at
//! opt-level 0 unless a `build-override` profile sets another level, in release builds too,
//! so `sfmc-partner-api`'s build script runs the generator slower than these figures show.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use sfmc_codegen::Config;

/// The `schemaLocation` under which the WSDL imports the fault schema.
const FAULT_XSD_URL: &str = "https://webservice.exacttarget.com/ETFrameworkFault.xsd";

/// Returns the configuration `sfmc-partner-api`'s build script uses, on the late-2020 WSDL.
fn partner_api_config() -> Config {
    let wsdl = sfmc_tests::shared_wsdl_dir().join("etframework.wsdl");
    let fault_xsd = sfmc_tests::repository_root().join("wsdl/ETFrameworkFault.xsd");
    let mut config = Config::new(wsdl);
    config.map_location(FAULT_XSD_URL, fault_xsd);
    config
}

fn generate(c: &mut Criterion) {
    let config = partner_api_config();

    // Check once, before timing, that both steps run to the end on this input.
    let (_ir, inputs) = config.intermediate().expect("the WSDL resolves");
    assert_eq!(inputs.len(), 2, "the WSDL and the fault XSD are read");
    let generated = config.generate().expect("the WSDL generates");
    assert!(generated.code.contains("pub struct SentEvent {"));

    let mut group = c.benchmark_group("generate");
    // Each run takes a large fraction of a second, so every sample runs the same number
    // of iterations instead of a growing one.
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("intermediate", |b| {
        b.iter(|| {
            black_box(&config)
                .intermediate()
                .expect("the WSDL resolves")
        });
    });
    group.bench_function("whole", |b| {
        b.iter(|| black_box(&config).generate().expect("the WSDL generates"));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    targets = generate
}
criterion_main!(benches);

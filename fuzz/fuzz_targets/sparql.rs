//! Arbitrary text through the query path on a small in-memory graph: an
//! answer or an error, never a panic. A watchdog cancels long evaluations
//! (a fuzzer easily writes a cross product) so that slow is not a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxigraph::sparql::CancellationToken;
use oxigraph::store::Store;
use reformkg::store::sparql::{self as query, Prefixes};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

const GRAPH: &str = r#"
INSERT DATA {
  case:a a rk:Case ; rk:rank 1 ; rdfs:label "案例一"@zh, "case one"@en ;
         rk:usesMechanism mechanism:m1, mechanism:m2 .
  case:b a rk:Case ; rk:rank 2 ; rk:usesMechanism mechanism:m2 .
  mechanism:m1 skos:prefLabel "m1"@zh . mechanism:m2 skos:prefLabel "m2"@zh .
}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let store = Store::new().expect("an in-memory store");
    let prefixes = Prefixes::default();
    query::run(&store, GRAPH, &prefixes, None).expect("the graph loads");

    let token = CancellationToken::new();
    let finished = (Mutex::new(false), Condvar::new());
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let (lock, wake) = &finished;
            let guard = lock.lock().unwrap();
            let (guard, timeout) = wake
                .wait_timeout_while(guard, Duration::from_secs(2), |done| !*done)
                .unwrap();
            if timeout.timed_out() && !*guard {
                token.cancel();
            }
        });
        let _ = query::run(&store, text, &prefixes, Some(token.clone()));
        *finished.0.lock().unwrap() = true;
        finished.1.notify_all();
    });
});

//! What every command runs with: the resolved settings, the printer, and the Azure client,
//! which is built on first use (with its credential, or the demo server), so that a command
//! that fails on its arguments or needs no Azure never builds one.

use crate::arm::auth::token_source;
use crate::arm::auth::TokenSource;
use crate::arm::{ArmClient, ClientObserver, ClientOptions};
use crate::demo::DemoServer;
use crate::error::Result;
use crate::output::Printer;
use crate::settings::Settings;
use std::sync::Arc;
use tokio::sync::OnceCell;

pub(crate) struct Context {
    pub(crate) settings: Settings,
    pub(crate) printer: Printer,
    client: OnceCell<ArmClient>,
    /// Kept alive for as long as the command runs.
    demo: OnceCell<DemoServer>,
}

impl Context {
    pub(crate) fn new(settings: Settings, printer: Printer) -> Self {
        Context {
            settings,
            printer,
            client: OnceCell::new(),
            demo: OnceCell::new(),
        }
    }

    /// The Azure client, built on the first call: against the demo server with `--demo`,
    /// else against the endpoint with the configured sign-in method.
    pub(crate) async fn client(&self) -> Result<&ArmClient> {
        self.client
            .get_or_try_init(|| async {
                let settings = &self.settings;
                let (endpoint, tokens) = if settings.demo {
                    let demo = self
                        .demo
                        .get_or_try_init(|| DemoServer::start(settings.as_of.value))
                        .await?;
                    let tokens = TokenSource::demo();
                    (demo.endpoint().clone(), tokens)
                } else {
                    let tokens = token_source(settings.auth.value)?;
                    (settings.endpoint.value.clone(), tokens)
                };
                let mut options = ClientOptions::new(
                    endpoint,
                    settings.timeout.value,
                    settings.concurrency.value,
                );
                // Given (by flag, variable or config), it bounds the requests in flight;
                // else the governor grows past it when Azure is slow.
                options.concurrency_given =
                    settings.concurrency.source != crate::settings::Source::Default;
                options.max_rate = settings.max_rate;
                if settings.verbose {
                    let stderr = self.printer.stderr();
                    let observer: ClientObserver =
                        Arc::new(move |event| stderr.client_event(event));
                    options.observer = Some(observer);
                } else if settings.progress {
                    // The progress line counts pages (it draws only on a terminal).
                    let progress = Arc::clone(self.printer.progress());
                    let observer: ClientObserver = Arc::new(move |event| {
                        if let crate::arm::ClientEvent::Page { number } = event {
                            progress.page(*number);
                        }
                    });
                    options.observer = Some(observer);
                }
                Ok(ArmClient::new(options, tokens))
            })
            .await
    }
}

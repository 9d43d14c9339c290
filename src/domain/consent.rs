//! Consent to messages on WhatsApp or SMS. Email reaches every participant
//! (it is how the account works); the message gateway only reaches those
//! who chose a channel, and stops the moment they say so. The Indonesian
//! personal-data law (UU 27/2022) asks for consent given for a purpose and
//! as easy to withdraw as to give: every message carries a one-tap stop
//! link ([`stop_url`]).

crate::text_enum! {
    /// Where a participant wants messages.
    pub enum MessageChannel {
        Whatsapp = "whatsapp",
        Sms = "sms",
        /// Email only.
        None = "none",
    }

    /// Where the choice was made.
    pub enum ConsentSource {
        Registration = "registration",
        Account = "account",
        /// Told to an agent at the console (walk-in registration).
        Console = "console",
        /// The stop link of a message.
        Link = "link",
    }
}

impl MessageChannel {
    /// A channel as typed (trimmed, any case); empty is `None`.
    pub fn parse_typed(typed: &str) -> Option<Self> {
        let t = typed.trim().to_lowercase();
        if t.is_empty() {
            return Some(MessageChannel::None);
        }
        Self::parse(&t).ok()
    }

    /// The gateway's channel word, when messages may be sent at all.
    pub fn gateway(self) -> Option<&'static str> {
        match self {
            MessageChannel::None => None,
            c => Some(c.as_str()),
        }
    }
}

/// The address of a stop link, which every message ends with.
pub fn stop_url(public_url: &str, token: &str) -> String {
    format!("{}/messages/stop/{token}", public_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_as_typed() {
        assert_eq!(
            MessageChannel::parse_typed(" WhatsApp "),
            Some(MessageChannel::Whatsapp)
        );
        assert_eq!(
            MessageChannel::parse_typed("sms"),
            Some(MessageChannel::Sms)
        );
        assert_eq!(MessageChannel::parse_typed(""), Some(MessageChannel::None));
        assert_eq!(MessageChannel::parse_typed("telegram"), None);
        assert_eq!(MessageChannel::None.gateway(), None);
        assert_eq!(MessageChannel::Sms.gateway(), Some("sms"));
    }

    #[test]
    fn every_message_can_be_stopped() {
        assert_eq!(
            stop_url("https://antre.example/", "abc"),
            "https://antre.example/messages/stop/abc"
        );
    }
}

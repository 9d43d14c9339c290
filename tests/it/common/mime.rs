//! A small MIME reader for the mails the tests' servers write as `.eml`
//! files (multipart, quoted-printable or base64 encoded).

#[derive(Debug, Clone)]
pub struct Part {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Part {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn content_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("text/plain")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }
}

pub struct Mail {
    pub raw: String,
    top: Part,
    leaves: Vec<Part>,
}

impl Mail {
    pub fn parse(raw: &str) -> Mail {
        let norm = raw.replace("\r\n", "\n");
        let (headers, body) = split_entity(&norm);
        let top = Part {
            headers,
            body: body.to_string(),
        };
        let mut leaves = Vec::new();
        collect_leaves(&top, &mut leaves);
        Mail {
            raw: raw.to_string(),
            top,
            leaves,
        }
    }
    pub fn header(&self, name: &str) -> String {
        self.top.header(name).unwrap_or_default().to_string()
    }
    pub fn part(&self, content_type: &str) -> &Part {
        self.leaves
            .iter()
            .find(|p| p.content_type() == content_type)
            .unwrap_or_else(|| panic!("no {content_type} part in mail:\n{}", self.raw))
    }
    pub fn ics(&self) -> &Part {
        self.leaves
            .iter()
            .find(|p| {
                let disp = p.header("content-disposition").unwrap_or_default();
                let ct = p.header("content-type").unwrap_or_default();
                disp.contains("antre.ics") || ct.contains("antre.ics")
            })
            .unwrap_or_else(|| panic!("no antre.ics attachment in mail:\n{}", self.raw))
    }
    /// The calendar text, lines unfolded.
    pub fn calendar(&self) -> String {
        self.ics()
            .body
            .replace("\r\n", "\n")
            .replace("\n ", "")
            .replace("\n\t", "")
    }
}

fn split_entity(s: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = match s.find("\n\n") {
        Some(i) => (&s[..i], &s[i + 2..]),
        None => (s, ""),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    (headers, body)
}

fn param(header: &str, name: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().trim_matches('"').to_string())
    })
}

fn collect_leaves(part: &Part, out: &mut Vec<Part>) {
    let ct = part
        .header("content-type")
        .unwrap_or("text/plain")
        .to_string();
    if ct.to_ascii_lowercase().starts_with("multipart/") {
        let boundary = param(&ct, "boundary").expect("multipart without boundary");
        let delim = format!("--{boundary}");
        for chunk in part.body.split(&delim).skip(1) {
            if chunk.starts_with("--") {
                break;
            }
            let chunk = chunk.strip_prefix('\n').unwrap_or(chunk);
            let (headers, body) = split_entity(chunk);
            let child = Part {
                headers,
                body: body.to_string(),
            };
            collect_leaves(&child, out);
        }
    } else {
        let cte = part
            .header("content-transfer-encoding")
            .unwrap_or("7bit")
            .trim()
            .to_ascii_lowercase();
        let body = match cte.as_str() {
            "quoted-printable" => super::decode_qp(&part.body),
            "base64" => {
                use base64::Engine;
                let compact: String = part.body.chars().filter(|c| !c.is_whitespace()).collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .expect("base64 part");
                String::from_utf8_lossy(&bytes).into_owned()
            }
            _ => part.body.clone(),
        };
        out.push(Part {
            headers: part.headers.clone(),
            body,
        });
    }
}

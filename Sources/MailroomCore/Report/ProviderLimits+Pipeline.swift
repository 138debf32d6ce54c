extension ProviderLimits {
    /// The limits a plan estimates time with: the preset `named` (`--provider`, when it names one), else the
    /// preset of the pipeline's IMAP mailbox (`mailbox` when it is one, else the first IMAP mailbox), else
    /// `generic`; lowered to that mailbox's own throttle where it is stricter.
    public static func forPlan(_ config: PipelineConfig, mailbox: String?, named: String?) -> ProviderLimits {
        let imap = config.mailboxes.first { mailbox == nil || $0.name == mailbox }?.imap
            ?? config.mailboxes.compactMap(\.imap).first
        let base = named.flatMap(ProviderLimits.named) ?? imap.map { ProviderLimits.preset(for: $0.provider) } ?? .generic
        return imap.map { base.applying($0.throttle) } ?? base
    }
}

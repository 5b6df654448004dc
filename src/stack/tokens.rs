//! swc's parser recurses once per nesting level of the source and checks no depth of
//! its own, so the token source it pulls from checks the stack instead: every level of
//! recursion reads at least one token, so a check per token bounds the recursion.

use swc_common::{BytePos, Span};
use swc_ecma_ast::EsVersion;
use swc_ecma_parser::error::Error;
use swc_ecma_parser::input::Tokens;
use swc_ecma_parser::lexer::TokenFlags;
use swc_ecma_parser::unstable::{TokenAndSpan, TokenValue};
use swc_ecma_parser::{Context, SyntaxFlags};

/// A token source that stops the parse ([`super::ensure_room`]) when the stack runs low.
#[derive(Clone)]
pub struct RoomChecked<I>(pub I);

impl<I: Tokens> Tokens for RoomChecked<I> {
    type Checkpoint = I::Checkpoint;

    fn set_ctx(&mut self, ctx: Context) {
        self.0.set_ctx(ctx);
    }
    fn ctx(&self) -> Context {
        self.0.ctx()
    }
    fn ctx_mut(&mut self) -> &mut Context {
        self.0.ctx_mut()
    }
    fn syntax(&self) -> SyntaxFlags {
        self.0.syntax()
    }
    fn target(&self) -> EsVersion {
        self.0.target()
    }
    fn checkpoint_save(&self) -> Self::Checkpoint {
        self.0.checkpoint_save()
    }
    fn checkpoint_load(&mut self, checkpoint: Self::Checkpoint) {
        self.0.checkpoint_load(checkpoint);
    }
    fn read_string(&self, span: Span) -> &str {
        self.0.read_string(span)
    }
    fn start_pos(&self) -> BytePos {
        self.0.start_pos()
    }
    fn set_expr_allowed(&mut self, allow: bool) {
        self.0.set_expr_allowed(allow);
    }
    fn set_next_regexp(&mut self, start: Option<BytePos>) {
        self.0.set_next_regexp(start);
    }
    fn add_error(&mut self, error: Error) {
        self.0.add_error(error);
    }
    fn add_module_mode_error(&mut self, error: Error) {
        self.0.add_module_mode_error(error);
    }
    fn end_pos(&self) -> BytePos {
        self.0.end_pos()
    }
    fn take_errors(&mut self) -> Vec<Error> {
        self.0.take_errors()
    }
    fn has_errors(&self) -> bool {
        self.0.has_errors()
    }
    fn diagnostic_checkpoint_save(&self) -> (usize, usize) {
        self.0.diagnostic_checkpoint_save()
    }
    fn diagnostic_checkpoint_load(&mut self, checkpoint: (usize, usize)) {
        self.0.diagnostic_checkpoint_load(checkpoint);
    }
    fn take_script_module_errors(&mut self) -> Vec<Error> {
        self.0.take_script_module_errors()
    }
    fn set_defer_comments(&mut self, defer: bool) {
        self.0.set_defer_comments(defer);
    }
    fn finalize_comments(&mut self) {
        self.0.finalize_comments();
    }
    fn update_token_flags(&mut self, f: impl FnOnce(&mut TokenFlags)) {
        self.0.update_token_flags(f);
    }
    fn token_flags(&self) -> TokenFlags {
        self.0.token_flags()
    }
    fn clone_token_value(&self) -> Option<TokenValue> {
        self.0.clone_token_value()
    }
    fn take_token_value(&mut self) -> Option<TokenValue> {
        self.0.take_token_value()
    }
    fn get_token_value(&self) -> Option<&TokenValue> {
        self.0.get_token_value()
    }
    fn set_token_value(&mut self, token_value: Option<TokenValue>) {
        self.0.set_token_value(token_value);
    }
    fn first_token(&mut self) -> TokenAndSpan {
        super::checked_token(self.0.first_token())
    }
    fn next_token(&mut self) -> TokenAndSpan {
        super::checked_token(self.0.next_token())
    }
    fn scan_jsx_token(&mut self) -> TokenAndSpan {
        super::checked_token(self.0.scan_jsx_token())
    }
    fn scan_jsx_open_el_terminal_token(&mut self) -> TokenAndSpan {
        super::checked_token(self.0.scan_jsx_open_el_terminal_token())
    }
    fn rescan_jsx_open_el_terminal_token(&mut self, reset: BytePos) -> TokenAndSpan {
        super::checked_token(self.0.rescan_jsx_open_el_terminal_token(reset))
    }
    fn rescan_jsx_token(&mut self, reset: BytePos) -> TokenAndSpan {
        super::checked_token(self.0.rescan_jsx_token(reset))
    }
    fn rescan_type_gt(&mut self, span: Span) -> TokenAndSpan {
        super::checked_token(self.0.rescan_type_gt(span))
    }
    fn scan_jsx_identifier(&mut self, start: BytePos) -> TokenAndSpan {
        super::checked_token(self.0.scan_jsx_identifier(start))
    }
    fn scan_jsx_attribute_value(&mut self) -> TokenAndSpan {
        super::checked_token(self.0.scan_jsx_attribute_value())
    }
    fn rescan_template_token(
        &mut self,
        start: BytePos,
        start_with_back_tick: bool,
    ) -> TokenAndSpan {
        super::checked_token(self.0.rescan_template_token(start, start_with_back_tick))
    }
}

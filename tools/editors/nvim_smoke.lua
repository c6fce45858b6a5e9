-- A headless Neovim session against `aggqlint lsp`: diagnostics, hover, completion, code
-- actions, a quick fix applied and the diagnostics that follow. Written against the API of
-- Neovim 0.7 (vim.lsp.start_client; the Debian 12 package, the one it was run with).
--
--   AGGQLINT_REPORT=$PWD/agents.yaml nvim --headless -u NONE \
--     -c "luafile tools/editors/nvim_smoke.lua" -c "qa!"
--   cat nvim_smoke.out
--
-- agents.yaml: the definition tests/test_lsp.py calls BAD (the positions below are its).
local report = assert(vim.env.AGGQLINT_REPORT, "set AGGQLINT_REPORT to the file to open")
local out = io.open(vim.env.AGGQLINT_OUT or "nvim_smoke.out", "w")
local function say(...) out:write(table.concat(vim.tbl_map(tostring, {...}), " "), "\n") out:flush() end

local id = vim.lsp.start_client({
  name = "aggqlint",
  cmd = { vim.env.AGGQLINT or "aggqlint", "lsp" },
  root_dir = vim.fn.fnamemodify(report, ":h"),
})
vim.cmd("edit " .. vim.fn.fnameescape(report))
vim.bo.filetype = "yaml"
vim.lsp.buf_attach_client(0, id)
vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)
say("client", vim.lsp.get_client_by_id(id).name, "offset_encoding", vim.lsp.get_client_by_id(id).offset_encoding)
for _, d in ipairs(vim.diagnostic.get(0)) do
  say("diagnostic", d.lnum, d.col, d.end_lnum, d.end_col, d.severity, d.source,
      d.user_data and d.user_data.lsp and d.user_data.lsp.code, d.message)
end

-- hover on tHandle (line 5, 0-based 4, column 36)
local hover = vim.lsp.buf_request_sync(0, "textDocument/hover", {
  textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 4, character = 36 } }, 5000)
for _, r in pairs(hover or {}) do say("hover", r.result and r.result.contents.value:gsub("\n", " | ")) end

-- completion inside metrics
local comp = vim.lsp.buf_request_sync(0, "textDocument/completion", {
  textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 4, character = 12 } }, 5000)
for _, r in pairs(comp or {}) do
  local items = r.result.items or r.result
  say("completion items", #items, "first", items[1] and items[1].label)
end

-- code actions on the userid diagnostic (line 6, 0-based 5), apply the first quickfix
local lsp_diags = vim.lsp.diagnostic.get_line_diagnostics(0, 5)
local actions = vim.lsp.buf_request_sync(0, "textDocument/codeAction", {
  textDocument = { uri = vim.uri_from_bufnr(0) },
  range = { start = { line = 5, character = 12 }, ["end"] = { line = 5, character = 18 } },
  context = { diagnostics = lsp_diags } }, 5000)
local first
for _, r in pairs(actions or {}) do
  for _, a in ipairs(r.result or {}) do
    say("action", a.kind, a.title)
    first = first or a
  end
end
vim.lsp.util.apply_workspace_edit(first.edit, "utf-16")
say("after quickfix", vim.api.nvim_buf_get_lines(0, 5, 6, false)[1])

-- the edit reaches the server as didChange: the diagnostics follow
vim.wait(5000, function() return #vim.diagnostic.get(0) == 1 end, 50)
for _, d in ipairs(vim.diagnostic.get(0)) do say("after edit", d.lnum, d.col, d.user_data.lsp.code) end
vim.lsp.stop_client(id)
vim.wait(2000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
say("stopped", vim.lsp.get_client_by_id(id) == nil)
out:close()

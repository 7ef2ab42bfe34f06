-- Headless Neovim (0.7+) as a real LSP client for skaffold-ls.
-- Starts `$SKLS_PYTHON -m skaffold_ls serve`, attaches it to the current buffer, waits for
-- diagnostics, then (phase 2) edits the buffer so Neovim sends an incremental didChange,
-- and waits again. Writes one line per diagnostic to $SKLS_OUT:
--   <phase> <lnum>:<byte col>:<severity>:<code>:<message>
-- plus "<phase> TIMEOUT" / "<phase> NONE". Exit code 0 when both phases received diagnostics.
local python = os.getenv("SKLS_PYTHON") or "python3"
local outfile = assert(os.getenv("SKLS_OUT"), "SKLS_OUT not set")
local edit_line = tonumber(os.getenv("SKLS_EDIT_LINE") or "-1")
local edit_text = os.getenv("SKLS_EDIT_TEXT") or ""
local bufnr = vim.api.nvim_get_current_buf()
local lines = {}
local published = 0

local orig = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
  orig(err, result, ctx, config)
  published = published + 1
end

local client_id = vim.lsp.start_client({
  name = "skaffold-ls",
  cmd = { python, "-m", "skaffold_ls", "serve" },
  root_dir = vim.fn.getcwd(),
  flags = { debounce_text_changes = 0, allow_incremental_sync = true },
  on_exit = function(code, signal)
    io.stderr:write(("server exited code=%s signal=%s\n"):format(code, signal))
  end,
})
if not client_id then
  vim.fn.writefile({ "FAILED to start client" }, outfile)
  vim.cmd("cquit 2")
end
vim.lsp.buf_attach_client(bufnr, client_id)

local function dump(phase)
  local diags = vim.diagnostic.get(bufnr)
  table.sort(diags, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  for _, d in ipairs(diags) do
    table.insert(lines, ("%s %d:%d:%s:%s:%s"):format(phase, d.lnum, d.col,
      vim.diagnostic.severity[d.severity], tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ""),
      d.message))
  end
  if #diags == 0 then table.insert(lines, phase .. " NONE") end
end

local ok = vim.wait(20000, function() return published > 0 end, 20)
if not ok then table.insert(lines, "1 TIMEOUT") else dump("1") end

local ok2 = true
if ok and edit_line >= 0 then
  local before = published
  vim.api.nvim_buf_set_lines(bufnr, edit_line, edit_line + 1, false, { edit_text })
  ok2 = vim.wait(20000, function() return published > before end, 20)
  if not ok2 then table.insert(lines, "2 TIMEOUT") else dump("2") end
end

vim.fn.writefile(lines, outfile)
vim.lsp.stop_client(client_id)
vim.wait(3000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
vim.cmd((ok and ok2) and "qa!" or "cquit 1")

-- Harness for the editors.md snippets (tests/nvim/test_editor_snippets.py). Neovim has already
-- loaded the snippet as the user's init.lua and opened the file; this waits for the server's
-- diagnostics on the current buffer (or, with SKLS_EXPECT=none, only lets the start-up settle),
-- then writes to $SKLS_OUT:
--   DIAG <lnum>:<byte col>:<severity>:<code>:<message>   one per diagnostic (or "NONE" / "TIMEOUT")
--   CLIENT <name>                                        each LSP client attached to the buffer
--   MSG <line>                                           each line of :messages
-- Works on Neovim 0.7 (no vim.fs, no vim.lsp.get_clients) and current releases.
local outfile = assert(os.getenv("SKLS_OUT"), "SKLS_OUT not set")
local expect = os.getenv("SKLS_EXPECT") or "diagnostics"
local bufnr = vim.api.nvim_get_current_buf()
local out = {}

local function clients()
  if vim.lsp.get_clients then return vim.lsp.get_clients({ bufnr = bufnr }) end
  return vim.lsp.buf_get_clients(bufnr)
end

if expect == "diagnostics" then
  local ok = vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  local diags = vim.diagnostic.get(bufnr)
  table.sort(diags, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  for _, d in ipairs(diags) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ""
    table.insert(out, ("DIAG %d:%d:%s:%s:%s"):format(d.lnum, d.col, vim.diagnostic.severity[d.severity],
      tostring(code), d.message))
  end
  if not ok then table.insert(out, "TIMEOUT") end
else
  vim.wait(1500, function() return false end, 50)
  table.insert(out, "NONE")
end
for _, c in pairs(clients()) do table.insert(out, "CLIENT " .. c.name) end
for _, line in ipairs(vim.split(vim.fn.execute("messages"), "\n", { plain = true })) do
  if line ~= "" then table.insert(out, "MSG " .. line) end
end
vim.fn.writefile(out, outfile)
for _, c in pairs(clients()) do vim.lsp.stop_client(c.id) end
vim.wait(3000, function() return #clients() == 0 end, 50)
vim.cmd("qa!")

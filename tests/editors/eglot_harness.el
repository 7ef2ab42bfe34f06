;;; Harness for the docs/editors.md eglot snippet (tests/editors/test_emacs_helix.py).
;;; Loads the snippet as an init file would, opens $SKLS_FILE, lets eglot connect, and writes to
;;; $SKLS_OUT the major mode, the server's command line and every publishDiagnostics batch (newest
;;; first) as "BATCH n" followed by "DIAG <severity> <code> <message>" lines.
(package-activate-all) ; what an interactive start does before loading the init file
(defvar skls-batches nil)
(load (getenv "SKLS_SNIPPET") nil t)
(require 'eglot)
(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest params)
              (when (eq method 'textDocument/publishDiagnostics)
                (push (plist-get params :diagnostics) skls-batches))))
(find-file (getenv "SKLS_FILE"))
;; eglot-ensure connects from the command loop's post-command-hook, which batch mode has not.
(run-hooks 'post-command-hook)
(let ((mode major-mode)
      (server (eglot-current-server))
      (deadline (+ (float-time) 30)))
  ;; the first publish comes before eglot answers workspace/configuration; wait for the next one
  (while (and (< (length skls-batches) 2) (< (float-time) deadline))
    (accept-process-output nil 0.1))
  (with-temp-file (getenv "SKLS_OUT")
    (insert (format "MODE %s\n" mode))
    (insert (format "COMMAND %S\n" (and server (process-command (jsonrpc--process server)))))
    (let ((n 0))
      (dolist (batch skls-batches)
        (insert (format "BATCH %d\n" n))
        (setq n (1+ n))
        (seq-doseq (d batch)
          (insert (format "DIAG %s %s %s\n" (plist-get d :severity) (plist-get d :code)
                          (plist-get d :message)))))))
  (when server (eglot-shutdown server)))
(kill-emacs 0)

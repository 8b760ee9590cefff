// Building answers in the house style of each server software. Pure functions.
import { STATUS_CODES } from "node:http";
import type { Answer } from "./types.ts";

export function statusText(status: number): string {
  return STATUS_CODES[status] ?? "Unknown";
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#039;");
}

/**
 * A reason phrase must be visible ASCII/latin-1 on one line. Warehouse encodes the message as
 * iso-8859-1 with "replace" before putting it in the status line; we do the same with `?`.
 */
export function safeReason(message: string): string {
  return message.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?");
}

export function plainText(
  status: number,
  body: string,
  headers: Record<string, string> = {},
  reason?: string,
): Answer {
  return {
    status,
    ...(reason === undefined ? {} : { reason: safeReason(reason) }),
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
    body,
  };
}

export function jsonAnswer(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Answer {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(value),
  };
}

export function redirectAnswer(status: number, location: string): Answer {
  return { status, headers: { location, "content-type": "text/plain; charset=utf-8" }, body: "" };
}

// Pyramid's stock explanations, which Warehouse's error pages and JSON `message` start with.
const PYRAMID_EXPLANATIONS: Record<number, string> = {
  400: "The server could not comply with the request since it is either malformed or otherwise incorrect.",
  403: "Access was denied to this resource.",
  404: "The resource could not be found.",
  405: "The method POST is not allowed for this resource.",
  410: "This resource is no longer available.  No forwarding address is given.",
  411: "Content-Length header required.",
};

/**
 * Warehouse (pyramid) errors. Warehouse's `_exc_with_message` puts the message into the status
 * line ("400 File already exists ..."), which is what twine prints. With `Accept:
 * application/json` pyramid answers
 *   {"message": "<explanation>\n\n\n<message>\n\n", "code": "400 <message>", "title": "Bad Request"}
 * (the shape uv quotes next to its `extract_error_message`); otherwise an HTML page.
 */
export function warehouseError(
  status: number,
  message: string,
  accept: string | undefined,
  { messageInStatusLine = true } = {},
): Answer {
  const title = statusText(status);
  const explanation = PYRAMID_EXPLANATIONS[status] ?? "";
  const reason = messageInStatusLine ? safeReason(message) : title;
  if (/application\/json/i.test(accept ?? "")) {
    return {
      status,
      reason,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        message: `${explanation}\n\n\n${message}\n\n`,
        code: `${status} ${message}`,
        title,
      }),
    };
  }
  const heading = escapeHtml(`${status} ${reason}`);
  const body = [
    "<html>",
    " <head>",
    `  <title>${heading}</title>`,
    " </head>",
    " <body>",
    `  <h1>${heading}</h1>`,
    `  ${escapeHtml(explanation)}<br/><br/>`,
    escapeHtml(message),
    "",
    "",
    " </body>",
    "</html>",
  ].join("\n");
  return { status, reason, headers: { "content-type": "text/html; charset=UTF-8" }, body };
}

/**
 * pypiserver runs on bottle, whose default error handler wraps the message of an `HTTPError` in an
 * HTML page (escaped, inside <pre>). Text matching on the body must therefore unescape it.
 */
export function bottleError(
  status: number,
  message: string,
  url: string,
  headers: Record<string, string> = {},
): Answer {
  const head = `Error: ${status} ${statusText(status)}`;
  const body = [
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">',
    "<html>",
    "    <head>",
    `        <title>${head}</title>`,
    "    </head>",
    "    <body>",
    `        <h1>${head}</h1>`,
    `        <p>Sorry, the requested URL <tt>${escapeHtml(`'${url}'`)}</tt>`,
    "           caused an error:</p>",
    `        <pre>${escapeHtml(message)}</pre>`,
    "    </body>",
    "</html>",
    "",
  ].join("\n");
  return { status, headers: { "content-type": "text/html; charset=UTF-8", ...headers }, body };
}

/** The bare error page nginx (or a CDN in front of a registry) sends, whatever the app would say. */
export function proxyErrorPage(status: number): Answer {
  const line = `${status} ${statusText(status)}`;
  const body = [
    "<html>",
    `<head><title>${line}</title></head>`,
    "<body>",
    `<center><h1>${line}</h1></center>`,
    "<hr><center>nginx</center>",
    "</body>",
    "</html>",
    "",
  ].join("\r\n");
  return { status, headers: { "content-type": "text/html", server: "nginx" }, body };
}

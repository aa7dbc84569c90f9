// Package bpmn embeds the BPMN process definitions the saga engine deploys.
package bpmn

import "embed"

// Files holds every *.bpmn file of this folder.
//
//go:embed *
var Files embed.FS

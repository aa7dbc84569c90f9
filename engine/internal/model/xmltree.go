package model

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// XML namespaces the parser understands.
const (
	nsBPMN  = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	nsZeebe = "http://camunda.org/schema/zeebe/1.0"
)

const (
	maxXMLDepth = 100
	maxXMLNodes = 100000
)

// xnode is one XML element with its namespace-resolved name.
type xnode struct {
	space, local string
	attrs        map[string]string // local attribute names without namespace, plus "ns:local" for foreign ones
	children     []*xnode
	text         strings.Builder
}

func (n *xnode) attr(name string) string { return n.attrs[name] }

// prefixed is how error messages name an element.
func (n *xnode) prefixed() string {
	switch n.space {
	case nsBPMN:
		return "bpmn:" + n.local
	case nsZeebe:
		return "zeebe:" + n.local
	}
	return n.local
}

func (n *xnode) id() string { return n.attrs["id"] }

func parseTree(data []byte) (*xnode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*xnode
	var root *xnode
	count := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &InvalidError{Msg: fmt.Sprintf("malformed XML: %v", err)}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxXMLNodes || len(stack) >= maxXMLDepth {
				return nil, &InvalidError{Msg: "document too large or nested too deeply"}
			}
			n := &xnode{space: t.Name.Space, local: t.Name.Local, attrs: make(map[string]string, len(t.Attr))}
			for _, a := range t.Attr {
				switch a.Name.Space {
				case "", nsBPMN:
					n.attrs[a.Name.Local] = a.Value
				default:
					n.attrs[a.Name.Space+":"+a.Name.Local] = a.Value
				}
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root == nil {
				root = n
			} else {
				return nil, &InvalidError{Msg: "more than one root element"}
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, &InvalidError{Msg: "empty document"}
	}
	if root.space != nsBPMN || root.local != "definitions" {
		return nil, &InvalidError{Msg: fmt.Sprintf("root element is %s, want bpmn:definitions", root.prefixed())}
	}
	return root, nil
}

#!/usr/bin/env python3
"""Counts the import circles between a Rust crate's modules, from its `crate::` paths
(test modules left out). Usage: scripts/import-circles.py crates/desk-core/src [--edges]"""
import re,os,sys
from collections import defaultdict
root=sys.argv[1]
mods={}
for dp,dn,fn in os.walk(root):
    for f in fn:
        if f.endswith('.rs'):
            p=os.path.join(dp,f); rel=os.path.relpath(p,root)[:-3]
            name=rel.replace('/mod','').replace('/','::')
            if name=='lib': continue
            mods[name]=open(p).read()
def strip_tests(s):
    i=s.find('#[cfg(test)]')
    return s if i<0 else s[:i]
g=defaultdict(set)
names=sorted(mods,key=len,reverse=True)
for m,s in mods.items():
    s=strip_tests(s)
    for ref in re.findall(r'crate::([a-z_]+(?:::[a-z_]+)*)',s):
        parts=ref.split('::')
        for k in range(len(parts),0,-1):
            cand='::'.join(parts[:k])
            if cand in mods and cand!=m and not m.startswith(cand+'::') :
                g[m].add(cand); break
# tarjan
idx={};low={};st=[];on=set();res=[];c=[0]
def sc(v):
    idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
    for w in g[v]:
        if w not in idx: sc(w);low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],idx[w])
    if low[v]==idx[v]:
        comp=[]
        while True:
            w=st.pop();on.discard(w);comp.append(w)
            if w==v:break
        if len(comp)>1: res.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in list(mods): 
    if v not in idx: sc(v)
print(len(mods),"modules;", len(res),"import circles")
for r in res: print(len(r),":",", ".join(r))
if '--edges' in sys.argv:
    comp=set(res[-1]) if res else set()
    for m in sorted(comp):
        print(m,"->",sorted(x for x in g[m] if x in comp))

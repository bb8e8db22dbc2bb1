// A replay of the page's loading of 100,000 tokens in `jsc`, JavaScriptCore's
// own shell (Debian: libjavascriptcoregtk-4.1-bin or -4.0-bin), to see what the
// garbage of loading leaves resident when nothing collects it afterwards, as in
// an idle page. A diagnostic, not part of `make bench`: it copies the shape of
// `listedRows` (ui/src/lib/listed-token.ts) and of the streaming append and
// merge (ui/src/state/tokens.svelte.ts), simplified, and batches shaped like
// the simulator's (crates/marketplace-sim/src/seed.rs).
//
// Run: crates/desk-bench/jsc/measure.sh VARIANT [BATCHES_PER_APPEND]
// VARIANT is `base` (as the page loaded before 2026-12-03) or any of
// `noids`, `nofilter`, `nokey`, `nosort` joined with `+`, each leaving one
// source of garbage out. It prints the shell's anonymous memory once loaded.

// Batches as the desk sends them: columns, texts and accounts once.
const NAMES=["ERP sync robot","Billing export","Nightly order import","CI pipeline","Catalog publisher","Price list uploader","Subscription monitor","Helpdesk integration","Usage reporter","Power BI connector","ServiceNow bridge","Terraform provider","Invoice downloader","Azure cost sync","Slack notifier","Backup job","Monitoring probe","Partner portal","Order status webhook","License audit","Data warehouse loader","SAP connector"];
const SUF=["","",""," - staging"," - production"," v2"," 2"," - test"," EU"," US"];
const DESC=["Nightly export of orders to the ERP","Used by the build pipeline to publish catalog changes","Pulls invoices and statements for finance","Read-only access for dashboards","Syncs subscriptions with the CMDB","Created for the integration project with the \"Atlas\" team","Temporary token for the migration; delete after go-live"];
let seed=7; const r=()=>{seed=(seed*1103515245+12345)%2147483648; return seed/2147483648;};
const pick=a=>a[Math.floor(r()*a.length)];
function batch(start,n){const b={ids:[],names:[],descriptions:[],statuses:[],lastAccess:[],created:[],createdBy:[],accountOf:[],texts:["Active","Disabled","Noah Fischer","Fatima Haddad"],accounts:[{id:"ACC-1234-5678",name:"Vendor",accountType:"Vendor"}]};
for(let i=0;i<n;i++){const k=start+i;b.ids.push("TKN-"+String(1000+Math.floor(k/10000)).padStart(4,'0')+"-"+String(k%10000).padStart(4,'0'));b.names.push(pick(NAMES)+pick(SUF));b.descriptions.push(r()<0.7?pick(DESC):null);b.statuses.push(r()<0.8?0:1);b.lastAccess.push(r()<0.8?1.7e12+Math.floor(r()*1e10):null);b.created.push(1.7e12+Math.floor(r()*1e10));b.createdBy.push(2+Math.floor(r()*2));b.accountOf.push(0);}
return JSON.stringify(b);}

// The page's rows, as listedRows makes them.
const texts=new Map(),accounts=new Map();
function shared(t){const k=texts.get(t);if(k!==undefined)return k;texts.set(t,t);return t;}
function sharedAccount(a){if(!a)return null;const key=`${a.id}\n${a.name}\n${a.accountType}`;const k=accounts.get(key);if(k)return k;accounts.set(key,a);return a;}
function listedRows(rows){const texts=rows.texts.map(shared);const accounts=rows.accounts.map(sharedAccount);const listed=[];
for(let at=0;at<rows.ids.length;at++){const id=rows.ids[at];const name=rows.names[at]??'';const description=rows.descriptions[at]??null;const createdBy=rows.createdBy[at]??null;const account=rows.accountOf[at]??null;
listed.push({id,name,description,status:texts[rows.statuses[at]]??'',lastAccess:rows.lastAccess[at]??null,created:rows.created[at]??null,createdBy:createdBy===null?null:(texts[createdBy]??null),account:account===null?null:(accounts[account]??null)});}
return listed;}

const variant=arguments[0]; const N=100; const K=+(arguments[1]||8);
const srcs=[];for(let b=0;b<N;b++)srcs.push(batch(b*1000,1000));
fullGC();
const collator=new Intl.Collator(undefined,{sensitivity:'base',numeric:true});
const cmp=(a,b)=>collator.compare(a.name,b.name)||(a.id<b.id?-1:a.id>b.id?1:0);
function sortTokens(t){if(variant.includes('nokey')){return t.slice().sort(cmp);}const keyed=t.map(token=>({token,key:token.name}));keyed.sort((a,b)=>cmp(a.token,b.token));return keyed.map(e=>e.token);}
function merge(base,arr){const m=new Array(base.length+arr.length);let i=0,j=0,o=0;while(i<base.length&&j<arr.length){if(cmp(base[i],arr[j])<=0)m[o++]=base[i++];else m[o++]=arr[j++];}while(i<base.length)m[o++]=base[i++];while(j<arr.length)m[o++]=arr[j++];return m;}
let all=[],sorted=[],pending=[],listedIds=new Set();
function flush(){const arrived=variant.includes('noids')?pending:pending.filter(t=>{if(listedIds.has(t.id))return false;listedIds.add(t.id);return true;});
 all=all.concat(arrived);pending=[];
 if(!variant.includes('nosort')) sorted=merge(variant.includes('nofilter')?sorted:sorted.filter(()=>true),sortTokens(arrived));}
let b=0;for(const s of srcs){const rows=listedRows(JSON.parse(s));for(const r of rows)pending.push(r);if(++b%K===0)flush();}
flush(); listedIds=new Set();
print("variant",variant,"K",K);
print("READY");
const t=Date.now(); while(Date.now()-t<8000){}
